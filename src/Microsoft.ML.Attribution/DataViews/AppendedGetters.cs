using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>Getters for appended columns (indexed like the appended columns, null when inactive) and the state that backs them.</summary>
internal sealed class AppendedGetters : IDisposable
{
    public AppendedGetters(Delegate?[] getters, IDisposable? state = null)
    {
        Getters = getters;
        State = state;
    }

    public Delegate?[] Getters { get; }

    public IDisposable? State { get; }

    public void Dispose() => State?.Dispose();
}
