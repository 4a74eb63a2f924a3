using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>Seeded CPU generators (mt19937, as torch.Generator().manual_seed(seed)), so draws repeat run to run.</summary>
public static class RandomGenerators
{
    /// <summary>A generator seeded with <paramref name="seed"/>; a negative seed means its two's-complement bits, as libtorch reads it.</summary>
    public static Generator FromSeed(long seed)
    {
        Runtime.TorchSharpRuntime.EnsureLoaded();
        return new Generator(unchecked((ulong)seed));
    }
}
