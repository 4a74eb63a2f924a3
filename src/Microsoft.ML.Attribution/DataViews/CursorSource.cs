using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>
/// The view a main cursor was opened on and the seed of its shuffle (if any), so that a helper cursor opened with the same arguments
/// visits the same rows in the same order.
/// </summary>
internal sealed record CursorSource(IDataView View, int? Seed)
{
    public Random? CreateRandom() => Seed is int seed ? new Random(seed) : null;
}
