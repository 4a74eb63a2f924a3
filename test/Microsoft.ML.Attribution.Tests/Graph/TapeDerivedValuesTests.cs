using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Graph;

/// <summary>
/// Rules' derived tensors (modified forwards) are kept by a tape only when it is asked to (several propagations over one
/// tape); otherwise each request computes afresh and the caller owns the result, so one propagation holds nothing extra.
/// </summary>
[TestClass]
public sealed class TapeDerivedValuesTests : TorchTest
{
    [TestMethod]
    public void A_tape_keeps_derived_values_only_when_asked()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(47);
        using Network network = TestNetworks.VggLike(g);
        Tensor x = randn([2, 3, 12, 10], generator: g);
        int computed = 0;
        Tensor Compute()
        {
            computed++;
            return ones(3);
        }
        using (Tape tape = network.Record(x))
        {
            LayerTrace trace = tape["mid"];
            Assert.IsFalse(tape.KeepsDerivedValues, "off by default");
            Tensor first = trace.GetOrAdd(this, "z", Compute), second = trace.GetOrAdd(this, "z", Compute);
            Assert.AreEqual(2, computed, "computed afresh each time");
            Assert.AreNotSame(first, second);

            tape.KeepsDerivedValues = true;
            Tensor kept = trace.GetOrAdd(this, "z", Compute);
            Assert.AreSame(kept, trace.GetOrAdd(this, "z", Compute), "kept once asked");
            Assert.AreEqual(3, computed);
            kept.DetachFromDisposeScope(); // the tape owns it: disposed with the tape, which the leak check below confirms
        }
    }
}
