using Microsoft.ML.Attribution.Torch;
using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Tests.Torch;

/// <summary>
/// The engine's CPU allocator keeps freed blocks of 1–256 MB for reuse, best-fit, under a byte limit, and gives back
/// kept blocks too small for a request that misses (as many bytes as it faults in). Tests that change
/// the limit restore it; they run one at a time ([DoNotParallelize]) because the cache is process-wide.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class AllocatorTests : TorchTest
{
    [TestMethod]
    public void Freed_large_blocks_are_kept_and_handed_out_again()
    {
        long limit = cpu_cache_limit;
        try
        {
            cpu_cache_limit = 64L << 20;
            empty_cpu_cache();
            Assert.AreEqual(0, cpu_cached_bytes);
            using (Tensor big = empty([4 << 20], ScalarType.Byte)) { }
            Assert.AreEqual(4L << 20, cpu_cached_bytes, "a freed 4 MB block is kept");
            using (Tensor again = ones([3 << 20], ScalarType.Byte))
            {
                Assert.AreEqual(0, cpu_cached_bytes, "a 3 MB request reuses the 4 MB block (best fit up to 4×)");
                using Tensor total = again.sum();
                Assert.AreEqual(3L << 20, total.item<long>(), "a reused block holds the new values");
            }
            empty_cpu_cache(); // the sum's 24 MB int64 copy was kept too
            using (Tensor big = empty([8 << 20], ScalarType.Byte)) { }
            using (Tensor small = empty([100_000], ScalarType.Byte)) { }
            Assert.AreEqual(8L << 20, cpu_cached_bytes, "blocks under 1 MB are malloc's, not kept");
            using (Tensor tiny = empty([1 << 20], ScalarType.Byte)) { }
            Assert.AreEqual(9L << 20, cpu_cached_bytes, "a 1 MB request does not take a block over 4× its size");
            using (Tensor beyond = empty([80 << 20], ScalarType.Byte))
                Assert.AreEqual(0, cpu_cached_bytes, "a miss gives back the kept blocks too small to serve it (8 + 1 MB)");
            Assert.AreEqual(0, cpu_cached_bytes, "a block past the limit is freed");
            cpu_cache_limit = 0;
            Assert.AreEqual(0, cpu_cached_bytes, "limit 0 frees what is kept");
            using (Tensor off = empty([4 << 20], ScalarType.Byte)) { }
            Assert.AreEqual(0, cpu_cached_bytes, "and keeps nothing");
        }
        finally
        {
            cpu_cache_limit = limit;
        }
    }

    [TestMethod]
    public void A_miss_trades_smaller_kept_blocks_for_the_new_one()
    {
        long limit = cpu_cache_limit;
        try
        {
            cpu_cache_limit = 256L << 20;
            empty_cpu_cache();
            using (Tensor a = empty([2 << 20], ScalarType.Byte))
            using (Tensor b = empty([3 << 20], ScalarType.Byte))
            using (Tensor c = empty([40 << 20], ScalarType.Byte)) { }
            Assert.AreEqual(45L << 20, cpu_cached_bytes, "three blocks kept");
            using (Tensor d = empty([4 << 20], ScalarType.Byte))
                Assert.AreEqual(40L << 20, cpu_cached_bytes, "4 MB misses (40 MB is over 4×): the blocks too small go, largest first, until 4 MB are given back (3 + 2)");
            Assert.AreEqual(44L << 20, cpu_cached_bytes, "the 4 MB block is kept when freed");
            using (Tensor e = empty([30 << 20], ScalarType.Byte))
                Assert.AreEqual(4L << 20, cpu_cached_bytes, "a hit: the 40 MB block serves 30 MB and the 4 MB block stays");
        }
        finally
        {
            cpu_cache_limit = limit;
        }
    }

    [TestMethod]
    public void A_negative_limit_is_refused()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => cpu_cache_limit = -1);
    }
}
