using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>
/// Tensor arithmetic with numbers that keeps TorchSharp's <see cref="Scalar"/> alive until libtorch has read it.
/// TorchSharp 0.107 turns a number — and the alpha = 1 that <c>a + b</c>, <c>add(Tensor)</c> and <c>arange(n)</c> add on
/// their own — into a finalizable <see cref="Scalar"/> that nothing references once its native handle has been read. A
/// garbage collection started by another thread during the native call can then finalize it and free the scalar while
/// libtorch reads it: on this machine <c>t.mul(2.5)</c> failed 41 times in 1.05 million calls with a thread collecting
/// garbage (and 0 times with the scalar held), and the CLI once stopped with "libtorch: Unknown scalar type." while its
/// progress display allocated. Every number this library hands libtorch goes through here: a scalar in a <c>using</c> for
/// the call, or a static one (never finalized). <c>ScalarLifetimeTests</c> scans the compiled assemblies for any other path.
/// </summary>
public static class HeldScalars
{
    private static Scalar? s_one;

    /// <summary>
    /// The alpha of a plain sum, kept in a static field so it is never finalized; made on first use, after TorchSharp has been
    /// loaded our way (a failed load in a type initializer would stay a TypeInitializationException for the process).
    /// </summary>
    private static Scalar One => Volatile.Read(ref s_one) ?? MakeOne();

    private static Scalar MakeOne()
    {
        Runtime.TorchSharpRuntime.EnsureLoaded();
        Scalar made = 1L.ToScalar();
        Scalar winner = Interlocked.CompareExchange(ref s_one, made, null) ?? made;
        if (!ReferenceEquals(winner, made)) made.Dispose();
        return winner;
    }

    /// <summary>
    /// <paramref name="operation"/> on <paramref name="t"/> with <paramref name="scalar"/>, which is disposed only after the call
    /// returns: the using keeps it reachable for the whole native call.
    /// </summary>
    private static Tensor With(Scalar scalar, Tensor t, Func<Tensor, Scalar, Tensor> operation)
    {
        using (scalar) return operation(t, scalar);
    }

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a += b, in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary>t + c.</summary>
    public static Tensor Plus(this Tensor t, double c) => With(c.ToScalar(), t, static (x, s) => x.add(s, One));

    /// <summary>t + c with an integer c (keeps an integer tensor integer).</summary>
    public static Tensor Plus(this Tensor t, long c) => With(c.ToScalar(), t, static (x, s) => x.add(s, One));

    /// <summary>t += c, in place.</summary>
    public static Tensor PlusInPlace(this Tensor t, double c) => With(c.ToScalar(), t, static (x, s) => x.add_(s, One));

    /// <summary>t − c.</summary>
    public static Tensor Minus(this Tensor t, double c) => With(c.ToScalar(), t, static (x, s) => x.sub(s));

    /// <summary>c − t, computed as (−t) + c as TorchSharp's operator does (the same rounding).</summary>
    public static Tensor SubtractedFrom(this Tensor t, double c)
    {
        using Scalar s = c.ToScalar();
        using Tensor negated = t.neg();
        return negated.add(s, One);
    }

    /// <summary>c − t with an integer c.</summary>
    public static Tensor SubtractedFrom(this Tensor t, long c)
    {
        using Scalar s = c.ToScalar();
        using Tensor negated = t.neg();
        return negated.add(s, One);
    }

    /// <summary>t · c.</summary>
    public static Tensor Times(this Tensor t, double c) => With(c.ToScalar(), t, static (x, s) => x.mul(s));

    /// <summary>t · c with an integer c (keeps an integer tensor integer).</summary>
    public static Tensor Times(this Tensor t, long c) => With(c.ToScalar(), t, static (x, s) => x.mul(s));

    /// <summary>t ·= c, in place.</summary>
    public static Tensor TimesInPlace(this Tensor t, double c) => With(c.ToScalar(), t, static (x, s) => x.mul_(s));

    /// <summary>t / c.</summary>
    public static Tensor DividedBy(this Tensor t, double c) => With(c.ToScalar(), t, static (x, s) => x.div(s));

    /// <summary>t / c with an integer c (true division, as the operator does).</summary>
    public static Tensor DividedBy(this Tensor t, long c) => With(c.ToScalar(), t, static (x, s) => x.div(s));

    /// <summary>t² (libtorch computes pow(t, 2) as t · t).</summary>
    public static Tensor Squared(this Tensor t)
    {
        using Scalar two = 2L.ToScalar();
        return t.pow(two);
    }

    /// <summary>t clamped to [min, max].</summary>
    public static Tensor ClampedTo(this Tensor t, double min, double max)
    {
        using Scalar low = min.ToScalar(), high = max.ToScalar();
        return t.clamp(low, high);
    }

    /// <summary>t clamped to [min, max] with integer bounds (for integer tensors).</summary>
    public static Tensor ClampedTo(this Tensor t, long min, long max)
    {
        using Scalar low = min.ToScalar(), high = max.ToScalar();
        return t.clamp(low, high);
    }

    /// <summary>max(t, min).</summary>
    public static Tensor AtLeast(this Tensor t, double min) => With(min.ToScalar(), t, static (x, s) => x.clamp_min(s));

    /// <summary>max(t, min), in place.</summary>
    public static Tensor AtLeastInPlace(this Tensor t, double min) => With(min.ToScalar(), t, static (x, s) => x.clamp_min_(s));

    /// <summary>min(t, max).</summary>
    public static Tensor AtMost(this Tensor t, double max) => With(max.ToScalar(), t, static (x, s) => x.clamp_max(s));

    /// <summary>t &gt; c, element-wise (bool).</summary>
    public static Tensor GreaterThan(this Tensor t, double c) => With(c.ToScalar(), t, static (x, s) => x.gt(s));

    /// <summary>t ≥ c, element-wise (bool).</summary>
    public static Tensor AtLeastMask(this Tensor t, double c) => With(c.ToScalar(), t, static (x, s) => x.ge(s));

    /// <summary>t &lt; c, element-wise (bool).</summary>
    public static Tensor LessThan(this Tensor t, double c) => With(c.ToScalar(), t, static (x, s) => x.lt(s));

    /// <summary>t ≤ c, element-wise (bool).</summary>
    public static Tensor AtMostMask(this Tensor t, double c) => With(c.ToScalar(), t, static (x, s) => x.le(s));

    /// <summary>t ≠ c, element-wise (bool).</summary>
    public static Tensor NotEqualTo(this Tensor t, double c) => With(c.ToScalar(), t, static (x, s) => x.ne(s));

    /// <summary>leaky_relu(t) with the given negative slope.</summary>
    public static Tensor LeakyRelu(this Tensor t, double negativeSlope) => With(negativeSlope.ToScalar(), t, static (x, s) => x.leaky_relu(s));

    /// <summary>t += alpha · other, in place.</summary>
    public static Tensor PlusScaledInPlace(this Tensor t, Tensor other, double alpha)
    {
        using Scalar s = alpha.ToScalar();
        return t.add_(other, s);
    }

    /// <summary>t[…, index[i], …] += source[…, i, …] along <paramref name="dim"/>, in place.</summary>
    public static Tensor IndexAddInPlace(this Tensor t, long dim, Tensor index, Tensor source) => t.index_add_(dim, index, source, One);

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Tensor Filled(long[] shape, double value, ScalarType dtype, Device? device = null)
    {
        using Scalar s = value.ToScalar();
        return full(shape, s, dtype, device);
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with the integer <paramref name="value"/> (exact beyond 2⁵³).</summary>
    public static Tensor Filled(long[] shape, long value, ScalarType dtype, Device? device = null)
    {
        using Scalar s = value.ToScalar();
        return full(shape, s, dtype, device);
    }

    /// <summary>A tensor shaped like <paramref name="like"/> (same dtype and device) filled with <paramref name="value"/>.</summary>
    public static Tensor FilledLike(Tensor like, double value)
    {
        using Scalar s = value.ToScalar();
        return full_like(like, s);
    }

    /// <summary>0, 1, …, count − 1.</summary>
    public static Tensor Range(long count, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        using Scalar start = 0L.ToScalar(), stop = count.ToScalar();
        return arange(start, stop, One, dtype, device);
    }
}
