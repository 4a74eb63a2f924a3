using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>
/// where(condition, x, c) for a constant c, written as arithmetic with a 0/1 mask in x's dtype: libtorch's where and
/// masked_fill on a bool condition run 5–10× slower than the mask product here (6.5 ms against 0.9 ms for a
/// [2,256,56,56] ReLU gate on this CPU), and the gates sit on every layer of a backward pass. Both terms are exact
/// (x·1 + 0, 0 + c·1), so finite values come out as where gives them; a non-finite x where the condition is false
/// becomes NaN instead of c (x·0), which only ever turns an already broken map into one reported as not finite.
/// </summary>
public static class ConditionalFill
{
    public static Tensor Where(Tensor condition, Tensor x, double otherwise)
    {
        using Tensor mask = condition.to_type(x.dtype);
        Tensor kept = x * mask;
        if (otherwise == 0) return kept;
        using (kept)
        {
            using Tensor closed = mask.neg().PlusInPlace(1.0);
            using Tensor filler = closed.TimesInPlace(otherwise);
            return kept.Plus(filler);
        }
    }
}
