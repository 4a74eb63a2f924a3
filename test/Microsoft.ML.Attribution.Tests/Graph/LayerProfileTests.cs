using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Rules;
using Microsoft.ML.Attribution.Runtime;
using Microsoft.ML.Attribution.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Graph;

/// <summary>A layer profile times every layer of a forward, a recorded forward and a backward while it runs, and nothing after.</summary>
[TestClass]
public sealed class LayerProfileTests : TorchTest
{
    [TestMethod]
    public void A_profile_sums_each_phase_by_layer_kind_while_it_runs()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(5);
        using Network network = TestNetworks.VggLike(g);
        Tensor x = randn([2, 3, 12, 10], generator: g);
        IReadOnlyList<LayerProfileEntry> entries;
        LayerProfile profile = LayerProfile.Start();
        using (profile)
        {
            Assert.ThrowsExactly<InvalidOperationException>(() => LayerProfile.Start(), "one profile per process");
            using (no_grad()) network.Forward(x);
            using (Tape tape = network.Record(x))
            {
                Tensor seed = Backpropagation.OneHot(tape.Logits, [1, 3]);
                using BackwardResult result = Backpropagation.Run(tape, seed, _ => GradientRule.Instance);
            }
            entries = profile.Entries;
        }
        LayerProfileEntry Entry(string phase, string layer) =>
            entries.SingleOrDefault(e => e.Phase == phase && e.Layer == layer) ?? throw new AssertFailedException($"no '{phase}' entry for '{layer}' in: {string.Join("; ", entries)}");

        foreach (string phase in new[] { "forward", "record" })
        {
            Assert.AreEqual(1, Entry(phase, "Conv2d 3x3 s1 3→16").Calls);
            Assert.AreEqual(2, Entry(phase, "Conv2d 3x3 s1 32→32").Calls + Entry(phase, "Conv2d 3x3 s1 16→32").Calls);
            Assert.AreEqual(1, Entry(phase, "MaxPool2d").Calls);
            Assert.AreEqual(1, Entry(phase, "Linear").Calls);
        }
        Assert.AreEqual(3, Entry("record", "Relu").Calls, "the recorded forward runs every ReLU as a layer");
        Assert.AreEqual(1, Entry("backward", "Conv2d 3x3 s1 3→16 (gradient)").Calls);
        Assert.AreEqual(3, Entry("backward", "Relu (gradient)").Calls);
        Assert.AreEqual(network.Layers.Count, entries.Where(e => e.Phase == "backward").Sum(e => e.Calls), "every layer once backward");
        Assert.IsTrue(entries.All(e => e.Seconds >= 0) && entries.Sum(e => e.Seconds) > 0);
        Assert.IsTrue(entries.All(e => e.PageFaults >= 0), "page faults are counted per entry");
        CollectionAssert.AreEqual(entries.OrderByDescending(e => e.Seconds).ToList(), entries.ToList(), "largest first");

        using (no_grad()) network.Forward(x);
        Assert.AreEqual(entries.Sum(e => e.Calls), profile.Entries.Sum(e => e.Calls), "a disposed profile records nothing more");
        using LayerProfile next = LayerProfile.Start();
        Assert.IsEmpty(next.Entries, "a new profile starts empty");
    }

    [TestMethod]
    public void Page_faults_count_first_touches_of_fresh_memory()
    {
        Assert.AreEqual(OperatingSystem.IsLinux(), PageFaults.Available, "read from getrusage on Linux");
        if (!PageFaults.Available) return;
        const int bytes = 64 << 20;
        // A fresh anonymous mapping: malloc could hand back pages an earlier test already touched.
        using var mapping = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateNew(null, bytes);
        using var view = mapping.CreateViewAccessor();
        long before = PageFaults.Minor();
        for (int i = 0; i < bytes; i += 4096) view.Write(i, (byte)1);
        Assert.IsTrue(PageFaults.Minor() > before, "writing 64 MB of fresh memory faults its pages in");
    }
}
