using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Methods;
using Microsoft.ML.Attribution.Rules;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>methods.md §8 item 11 (masked backpropagation identities) and DMBP's optimization, on float64 fixtures.</summary>
[TestClass]
public sealed class DmbpTests : TorchTest
{
    private const int FewIterations = 25;

    public static IEnumerable<object[]> Models() => MethodFixtures.TinyModels.Select(m => new object[] { m });

    public static IEnumerable<object[]> ReluModels() => new[] { "tiny_vgg_opset13", "tiny_vgg_opset13_train", "tiny_resnet_opset13", "tiny_resnet_opset13_train" }
        .Select(m => new object[] { m });

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Masks_of_one_give_the_gradient(string model)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (Tape tape = network.Record(input))
        {
            long[] targets = Target.TopPrediction.Resolve(tape.Logits);
            var masks = Convolutions(network).ToDictionary(c => c.Name, c => ones([input.shape[0], c.Weight.shape[0]], ScalarType.Float64));
            Tensor masked = Dmbp.MaskedBackward(tape, Backpropagation.OneHot(tape.Logits, targets), masks);
            using Tensor expected = MethodFixtures.AutogradGradient(network, input, targets);
            AssertClose(expected, masked, 1e-10, $"{model}: B(x, 1) vs autograd");
        }
    }

    [TestMethod]
    public void Zero_masks_on_one_full_layer_give_a_zero_map()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (Tape tape = network.Record(input))
        {
            Tensor seed = Backpropagation.OneHot(tape.Logits, Target.TopPrediction.Resolve(tape.Logits));
            // Every convolution of a plain (VGG-style) network is a cut: nothing reaches the input around it.
            foreach (Conv2d conv in Convolutions(network))
            {
                var masks = new Dictionary<string, Tensor> { [conv.Name] = zeros([input.shape[0], conv.Weight.shape[0]], ScalarType.Float64) };
                Tensor map = Dmbp.MaskedBackward(tape, seed, masks);
                Assert.AreEqual(0.0, map.abs().max().ItemAs<double>(), $"masks of '{conv.Name}' all zero");
            }
        }
        var (resnet, resnetInput) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (resnet)
        using (resnetInput)
        using (Tape tape = resnet.Record(resnetInput))
        {
            Tensor seed = Backpropagation.OneHot(tape.Logits, Target.TopPrediction.Resolve(tape.Logits));
            Conv2d stem = Convolutions(resnet)[0]; // in a ResNet only the stem is a cut (skip connections bypass the others)
            var masks = new Dictionary<string, Tensor> { [stem.Name] = zeros([resnetInput.shape[0], stem.Weight.shape[0]], ScalarType.Float64) };
            Assert.AreEqual(0.0, Dmbp.MaskedBackward(tape, seed, masks).abs().max().ItemAs<double>(), "ResNet stem masks all zero");
        }
    }

    [TestMethod]
    [DynamicData(nameof(ReluModels))]
    public void One_masked_layer_is_linear_in_its_mask(string model)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (Tape tape = network.Record(input))
        using (var g = RandomGenerators.FromSeed(11))
        {
            Tensor seed = Backpropagation.OneHot(tape.Logits, Target.TopPrediction.Resolve(tape.Logits));
            foreach (Conv2d conv in Convolutions(network))
            {
                long[] shape = [input.shape[0], conv.Weight.shape[0]];
                Tensor m1 = rand(shape, ScalarType.Float64, generator: g), m2 = rand(shape, ScalarType.Float64, generator: g);
                // Linear in the paths through the layer; a residual path around it adds the constant A(0) (0 for VGG).
                Tensor A(Tensor m) => input * Dmbp.MaskedBackward(tape, seed, new Dictionary<string, Tensor> { [conv.Name] = m });
                Tensor offset = A(zeros(shape, ScalarType.Float64));
                Tensor combined = A(m1 * 0.7 - m2 * 1.3) - offset;
                Tensor expected = (A(m1) - offset) * 0.7 - (A(m2) - offset) * 1.3;
                double scale = expected.abs().max().ItemAs<double>();
                AssertClose(expected, combined, 1e-10 * Math.Max(scale, 1), $"{model}: linearity in the masks of '{conv.Name}'");
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(ReluModels))]
    public void Masked_attribution_sums_to_the_frozen_gate_bias_free_scaled_forward(string model)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
        using (Tape tape = network.Record(input))
        using (var g = RandomGenerators.FromSeed(5))
        {
            long[] targets = Target.TopPrediction.Resolve(tape.Logits);
            var masks = Convolutions(network).ToDictionary(c => c.Name, c => rand([input.shape[0], c.Weight.shape[0]], ScalarType.Float64, generator: g));
            Tensor attribution = input * Dmbp.MaskedBackward(tape, Backpropagation.OneHot(tape.Logits, targets), masks);
            double[] sums = attribution.sum([1, 2, 3]).ToArray<double>();
            double[] forward = FrozenLinearForward(network, tape, masks).gather(1, tensor(targets).reshape(-1, 1)).flatten().ToArray<double>();
            for (int n = 0; n < sums.Length; n++)
                Assert.AreEqual(forward[n], sums[n], 1e-9 * Math.Max(1, Math.Abs(forward[n])), $"{model} row {n}: Σ A(m) vs F_lin,m(x)");
        }
    }

    [TestMethod]
    public void Autograd_mask_gradients_equal_the_linear_coefficients()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (Tape tape = network.Record(input))
        {
            Tensor seed = Backpropagation.OneHot(tape.Logits, Target.TopPrediction.Resolve(tape.Logits));
            Conv2d top = Convolutions(network)[^1]; // the graph runs through pools, gates and the lower convolution's transpose
            long[] shape = [input.shape[0], top.Weight.shape[0]];
            Tensor gradient;
            using (enable_grad())
            {
                Tensor mask = full(shape, 0.5, ScalarType.Float64).requires_grad_();
                Tensor total = (input * Dmbp.MaskedBackward(tape, seed, new Dictionary<string, Tensor> { [top.Name] = mask })).sum();
                gradient = SafeAutograd.Grad([total], [mask])[0]!;
            }
            // Σ A is linear in the mask and zero at m = 0, so ∂ΣA/∂m[n, c] = Σ_row n A(e_c).
            for (long c = 0; c < shape[1]; c++)
            {
                Tensor unit = zeros(shape, ScalarType.Float64);
                unit.select(1, c).fill_(1);
                Tensor perRow = (input * Dmbp.MaskedBackward(tape, seed, new Dictionary<string, Tensor> { [top.Name] = unit })).sum([1, 2, 3]);
                AssertClose(perRow, gradient.select(1, c), 1e-10, $"∂ΣA/∂m[:, {c}]");
            }
        }
    }

    [TestMethod]
    public void Layers_without_an_explicit_backward_keep_the_mask_gradients()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(12);
        // A max pool with asymmetric padding records no indices, so its backward is autograd's, below the masked layer:
        // the rule must rebuild that step with a graph or the mask gets no gradient.
        using Network network = WithIndexFreePool(g);
        Tensor x = randn([2, 3, 6, 6], ScalarType.Float64, generator: g);
        using Tape tape = network.Record(x);
        Tensor seed = Backpropagation.OneHot(tape.Logits, [0, 2]);
        Tensor gradient;
        using (enable_grad())
        {
            Tensor mask = full([2, 5], 0.5, ScalarType.Float64).requires_grad_();
            Tensor total = (x * Dmbp.MaskedBackward(tape, seed, new Dictionary<string, Tensor> { ["conv"] = mask })).sum();
            gradient = SafeAutograd.Grad([total], [mask])[0]!;
        }
        for (long c = 0; c < 5; c++)
        {
            Tensor unit = zeros([2, 5], ScalarType.Float64);
            unit.select(1, c).fill_(1);
            Tensor perRow = (x * Dmbp.MaskedBackward(tape, seed, new Dictionary<string, Tensor> { ["conv"] = unit })).sum([1, 2, 3]);
            AssertClose(perRow, gradient.select(1, c), 1e-10, $"∂ΣA/∂m[:, {c}] through the pool without indices");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Adjoint_mask_gradients_give_the_autograd_run(string model)
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64(model);
        using (network)
        using (input)
            AssertAdjointGivesTheAutogradRun(network, input, new DmbpOptions { Iterations = 6, InitialNoise = 0.3, Seed = 5 }, adjointIterations: 6, model);
    }

    [TestMethod]
    public void Adjoint_mask_gradients_cross_clip_leaky_relu_sigmoid_and_padding()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(11);
        Tensor Weight(params long[] shape) => randn(shape, ScalarType.Float64, generator: g).DetachFromDisposeScope();
        // Each activation sits between two masked convolutions, so the tangent must cross it for the lower masks' gradients.
        var layers = new Layer[]
        {
            new Pad("pad", "x", "xp", [1, 1, 1, 1], PaddingModes.Reflect, 0),
            new Conv2d("conv1", "xp", "c1", Weight(4, 3, 3, 3), Weight(4), [1, 1], [0, 0, 0, 0], [1, 1], 1),
            new Clip("relu6", "c1", "r1", 0, 0.8),
            new Conv2d("conv2", "r1", "c2", Weight(4, 4, 3, 3), Weight(4), [1, 1], [1, 1, 1, 1], [1, 1], 1),
            new LeakyRelu("leaky", "c2", "r2", 0.1),
            new Pad("zero-pad", "r2", "p2", [1, 0, 0, 1], PaddingModes.Constant, 0.5),
            new Conv2d("conv3", "p2", "c3", Weight(5, 4, 3, 3), null, [2, 2], [0, 0, 0, 0], [1, 1], 1),
            new Sigmoid("gate", "c3", "s3"),
            new Conv2d("conv4", "s3", "c4", Weight(3, 5, 1, 1), null, [1, 1], [0, 0, 0, 0], [1, 1], 1),
            new Reshape("flatten", "c4", "f", [3 * 3 * 3], "Flatten"),
            new Linear("fc", "f", "y", Weight(3, 27), null),
        };
        using var network = new Network(layers, [new GraphInput("x", [3, 6, 6], ScalarType.Float64)], ["y"]);
        Tensor x = randn([2, 3, 6, 6], ScalarType.Float64, generator: g);
        // Every layer here has a forward tangent, so all five iterations take the adjoint path.
        AssertAdjointGivesTheAutogradRun(network, x, new DmbpOptions { Iterations = 5, InitialNoise = 0.3, Seed = 3 }, adjointIterations: 5, "clip/leaky/sigmoid/pad net");
    }

    [TestMethod]
    public void A_layer_without_a_forward_tangent_falls_back_to_autograd()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(7);
        // The max pool with asymmetric padding records no indices, so it has no forward tangent: the adjoint path must notice.
        using Network network = WithIndexFreePool(g);
        Tensor x = randn([2, 3, 6, 6], ScalarType.Float64, generator: g);
        // The pool without indices sends every iteration to autograd: the same run, no adjoint iteration.
        AssertAdjointGivesTheAutogradRun(network, x, new DmbpOptions { Iterations = 4 }, adjointIterations: 0, "index-free pool");
    }

    /// <summary>
    /// Runs DMBP with the adjoint and with the autograd mask gradients from the same options: loss at every iteration and
    /// both maps agree to 1e-10, and the adjoint run took the adjoint path <paramref name="adjointIterations"/> times.
    /// </summary>
    private static void AssertAdjointGivesTheAutogradRun(Network network, Tensor input, DmbpOptions options, long adjointIterations, string label)
    {
        using var adjoint = new Dmbp(network, options with { MaskGradients = DmbpMaskGradients.Adjoint });
        using var reference = new Dmbp(network, options with { MaskGradients = DmbpMaskGradients.Autograd });
        using AttributionMap a = adjoint.Attribute(input), b = reference.Attribute(input);
        AssertClose(b.Extras["loss"], a.Extras["loss"], 1e-10, $"{label}: the loss at every iteration");
        AssertClose(b.Map, a.Map, 1e-10, $"{label}: A⁺");
        AssertClose(b.Extras["negative"], a.Extras["negative"], 1e-10, $"{label}: A⁻");
        Assert.AreEqual(adjointIterations, a.Extras["adjoint_iterations"].ItemAs<long>(), $"{label}: iterations on the adjoint path");
        Assert.AreEqual(0L, b.Extras["adjoint_iterations"].ItemAs<long>(), $"{label}: the reference is pure autograd");
    }

    [TestMethod]
    public void Optimization_lowers_the_loss_and_separates_the_signs()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (var dmbp = new Dmbp(network, new DmbpOptions { Iterations = FewIterations }))
        using (AttributionMap map = dmbp.Attribute(input))
        {
            Tensor loss = map.Extras["loss"];
            CollectionAssert.AreEqual(new long[] { input.shape[0], FewIterations }, loss.shape);
            double[] first = loss.select(1, 0).ToArray<double>(), last = loss.select(1, FewIterations - 1).ToArray<double>();
            double[] positive = map.Map.sum([1, 2, 3]).ToArray<double>();
            double[] negative = map.Extras["negative"].sum([1, 2, 3]).ToArray<double>();
            for (int n = 0; n < first.Length; n++)
            {
                Assert.IsLessThan(first[n], last[n], $"row {n}: loss {first[n]} → {last[n]}");
                Assert.IsGreaterThanOrEqualTo(0.0, positive[n], $"row {n}: Σ A⁺ = {positive[n]}");
                Assert.IsLessThanOrEqualTo(0.0, negative[n], $"row {n}: Σ A⁻ = {negative[n]}");
            }
            CollectionAssert.AreEqual(input.shape, map.Map.shape);
            CollectionAssert.AreEqual(new long[] { input.shape[0], 1, input.shape[2], input.shape[3] }, map.Extras["signed"].shape);
            double signedRange = map.Extras["signed"].abs().max().ItemAs<double>();
            Assert.IsLessThanOrEqualTo(1.0 + 1e-12, signedRange, "the display map lies in [−1, 1]");
            AssertClose(MethodFixtures.AutogradGradient(network, input, map.Targets) * input - map.Map - map.Extras["negative"],
                map.Extras["nuisance"], 1e-10, "nuisance = x⊙∇f − A⁺ − A⁻");
        }
    }

    [TestMethod]
    public void Rows_are_optimized_independently()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (network)
        using (input)
        using (var dmbp = new Dmbp(network, new DmbpOptions { Iterations = 5 }))
        using (AttributionMap batch = dmbp.Attribute(input))
        using (AttributionMap single = dmbp.Attribute(input.narrow(0, 1, 1), Target.Class(batch.Targets[1])))
            AssertClose(single.Map, batch.Map.narrow(0, 1, 1), 1e-10, "row 1 alone vs in the batch");
    }

    [TestMethod]
    public void A_seed_makes_the_run_deterministic()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        {
            Tensor Run(long seed)
            {
                using var dmbp = new Dmbp(network, new DmbpOptions { Iterations = 5, InitialNoise = 0.5, Seed = seed });
                using AttributionMap map = dmbp.Attribute(input);
                return map.Map.clone();
            }
            Tensor a = Run(3), b = Run(3), c = Run(4);
            Assert.AreEqual(0.0, MaxAbsDiff(a, b), "same seed, same map");
            Assert.IsGreaterThan(0.0, MaxAbsDiff(a, c), "another seed, another map");
        }
    }

    [TestMethod]
    public void Progress_is_reported_per_iteration_and_cancellation_stops_the_run()
    {
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        using (var cancel = new CancellationTokenSource())
        using (var dmbp = new Dmbp(network, new DmbpOptions { Iterations = 4 }))
        {
            var reports = new List<double>();
            dmbp.Progress = new ImmediateProgress(reports.Add);
            using (dmbp.Attribute(input)) { }
            CollectionAssert.AreEqual(new[] { 0.25, 0.5, 0.75, 1.0 }, reports);

            reports.Clear();
            dmbp.Progress = new ImmediateProgress(p => { reports.Add(p); if (reports.Count == 2) cancel.Cancel(); });
            Assert.ThrowsExactly<OperationCanceledException>(() => dmbp.Attribute(input, cancellation: cancel.Token));
            Assert.AreEqual(2, reports.Count, "iterations run before the cancellation");
        }
    }

    [TestMethod]
    public void A_custom_objective_replaces_the_reconstructed_one()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        {
            var objective = new RecordingObjective();
            using var dmbp = new Dmbp(network, new DmbpOptions { Iterations = 2 }, objective);
            using AttributionMap map = dmbp.Attribute(input);
            CollectionAssert.AreEqual(new[] { 0, 1 }, objective.Iterations);
            Assert.AreEqual(dmbp.MaskedLayers.Count, objective.Layers);
            Assert.AreEqual(0.0, map.Extras["loss"].abs().max().ItemAs<double>(), "the custom loss (zero) is what was recorded");
        }
    }

    [TestMethod]
    public void Runs_in_float32_on_the_trained_shapes_model()
    {
        using DisposeScope scope = NewDisposeScope();
        using var peer = new PeerReference();
        Tensor images = peer.Inputs.narrow(0, 0, 2);
        using var dmbp = new Dmbp(peer.Network, new DmbpOptions { Iterations = 10 });
        using AttributionMap map = dmbp.Attribute(images, Target.PerRow(peer.Targets.Take(2).ToArray()));
        Assert.AreEqual(ScalarType.Float32, map.Map.dtype);
        Assert.IsTrue(map.Map.isfinite().all().ItemAs<bool>() && map.Extras["signed"].isfinite().all().ItemAs<bool>(), "finite maps");
        Tensor loss = map.Extras["loss"];
        double[] first = loss.select(1, 0).ToArray<float>().Select(v => (double)v).ToArray(), last = loss.select(1, 9).ToArray<float>().Select(v => (double)v).ToArray();
        for (int n = 0; n < 2; n++) Assert.IsLessThan(first[n], last[n], $"row {n}: the loss goes down in float32 too");
    }

    [TestMethod]
    public void Bad_options_give_clear_errors()
    {
        var (network, input) = MethodFixtures.Float64("tiny_vgg_opset13");
        using (network)
        using (input)
        {
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Dmbp(network, new DmbpOptions { LearningRate = 0 }));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Dmbp(network, new DmbpOptions { Beta2 = 1 }));
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new Dmbp(network, new DmbpOptions { MaskedLayers = ["nope"] })).Message, "nope");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Dmbp(network, new DmbpOptions { Tolerance = -1 })).Message, "tolerance");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Dmbp(network, new DmbpOptions { Patience = 0 })).Message, "patience");
        }
    }

    [TestMethod]
    public void Early_stop_freezes_each_converged_row_and_keeps_rows_independent()
    {
        using DisposeScope scope = NewDisposeScope();
        var (network, input) = MethodFixtures.Float64("tiny_resnet_opset13");
        using (network)
        using (input)
        {
            const int Budget = 300;
            var options = new DmbpOptions { Iterations = Budget, Tolerance = 0.02, Patience = 5 };
            using var dmbp = new Dmbp(network, options);
            using AttributionMap batch = dmbp.Attribute(input);
            long[] steps = batch.Extras["iterations"].ToArray<long>().ToArray();
            long columns = batch.Extras["loss"].shape[1];
            for (int n = 0; n < steps.Length; n++)
                TestContext.WriteLine($"row {n}: " + string.Join(" ", Enumerable.Range(0, (int)columns).Where(i => i % 25 == 0 || i == columns - 1).Select(i => $"{i}:{batch.Extras["loss"].ToArray<double>()[(int)(n * columns + i)]:G4}")));
            Assert.IsTrue(steps.All(s => s >= options.Patience && s < Budget), $"every row stopped early: {string.Join(", ", steps)}");
            Assert.AreEqual(steps.Max() + 1, columns, "the run ends once the last row stops; its loss is recorded once more");
            double[] loss = batch.Extras["loss"].ToArray<double>().ToArray();
            for (int n = 0; n < steps.Length; n++)
            {
                // A stopped row improved by at most 2 % of its first loss over its last 5 iterations; nothing changes after it stopped.
                double first = loss[n * columns], before = loss[n * columns + steps[n] - options.Patience], stopped = loss[n * columns + steps[n]];
                Assert.IsLessThanOrEqualTo(0.02 * Math.Abs(first) + 1e-12, before - stopped, $"row {n}");
                Assert.AreEqual(stopped, loss[n * columns + columns - 1], 1e-12, $"row {n} stays frozen");
            }
            // Same result alone as in the batch, and the same as a plain run of exactly that many iterations.
            using AttributionMap single = dmbp.Attribute(input.narrow(0, 1, 1), Target.Class(batch.Targets[1]));
            AssertClose(single.Map, batch.Map.narrow(0, 1, 1), 1e-10, "row 1 alone vs in the batch");
            using var exact = new Dmbp(network, new DmbpOptions { Iterations = (int)steps[1] });
            using AttributionMap plain = exact.Attribute(input.narrow(0, 1, 1), Target.Class(batch.Targets[1]));
            AssertClose(plain.Map, batch.Map.narrow(0, 1, 1), 1e-10, "row 1 equals a run of its own step count");
        }
    }

    private static Conv2d[] Convolutions(Network network) => network.Layers.OfType<Conv2d>().ToArray();

    /// <summary>
    /// F_lin,m: the network with the recorded ReLU gates and pool switches frozen, biases removed (batch norm reduced to its
    /// scale) and each convolution's output channels multiplied by their masks — written independently of the rules.
    /// </summary>
    private static Tensor FrozenLinearForward(Network network, Tape tape, IReadOnlyDictionary<string, Tensor> masks)
    {
        var values = new Dictionary<string, Tensor> { [network.InputNames[0]] = tape.Input };
        for (int i = 0; i < network.Layers.Count; i++)
        {
            Layer layer = network.Layers[i];
            LayerTrace trace = tape[i];
            Tensor x = values[layer.Inputs[0]];
            Tensor y = layer switch
            {
                Conv2d conv => conv.ForwardWith(x, conv.Weight, null) * masks[conv.Name].reshape(-1, conv.Weight.shape[0], 1, 1),
                Linear dense => dense.ForwardWith(x, dense.Weight, null),
                BatchNorm norm => x * norm.EffectiveScale().reshape(BatchNorm.ChannelShape(x)),
                Relu => x * trace.Output.gt(0).to(x.dtype),
                MaxPool2d => x.flatten(2).gather(2, trace.Indices!.flatten(2)).reshape(trace.Output.shape),
                Arithmetic { Op: ArithmeticOp.Add } => x + values[layer.Inputs[1]],
                AvgPool2d or AdaptiveAvgPool2d or Reshape => layer.Forward([x], null),
                _ => throw new NotSupportedException($"{layer} in the frozen forward"),
            };
            values[layer.Output] = y;
        }
        return values[network.LogitsName];
    }

    private sealed class RecordingObjective : IDmbpObjective
    {
        public List<int> Iterations { get; } = [];

        public int Layers { get; private set; }

        public string Name => "recording";

        public Tensor Loss(DmbpObjectiveInput input)
        {
            Iterations.Add(input.Iteration);
            Layers = input.PositiveMasks.Count;
            // Zero, but connected to the masks so autograd has a graph.
            return input.Positive.sum([1, 2, 3]) * 0.0;
        }
    }

    /// <summary>conv → ReLU → max pool with asymmetric padding (no recorded indices) → conv → ReLU → linear, float64, input [3, 6, 6].</summary>
    private static Network WithIndexFreePool(Generator g)
    {
        Tensor Weight(params long[] shape) => randn(shape, ScalarType.Float64, generator: g).DetachFromDisposeScope();
        var layers = new Layer[]
        {
            new Conv2d("conv1", "x", "c1", Weight(4, 3, 3, 3), null, [1, 1], [1, 1, 1, 1], [1, 1], 1),
            new Relu("relu1", "c1", "r1"),
            new MaxPool2d("pool", "r1", "p", [2, 2], [2, 2], [0, 0, 1, 1], [1, 1], false),
            new Conv2d("conv", "p", "c2", Weight(5, 4, 3, 3), null, [1, 1], [1, 1, 1, 1], [1, 1], 1),
            new Relu("relu2", "c2", "r2"),
            new Reshape("flatten", "r2", "f", [5 * 3 * 3], "Flatten"),
            new Linear("fc", "f", "y", Weight(3, 5 * 3 * 3), null),
        };
        return new Network(layers, [new GraphInput("x", [3, 6, 6], ScalarType.Float64)], ["y"]);
    }
}
