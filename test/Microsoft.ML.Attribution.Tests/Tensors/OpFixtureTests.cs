using System.Text.Json;
using Microsoft.ML.Attribution.Maps;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Tests.Tensors;

/// <summary>
/// Every TorchSharp op the library uses, and our layer gradients, against values computed by Debian's PyTorch
/// (tools/make_op_fixtures.py, float64 inputs): each case name maps to the same computation written with TorchSharp.
/// </summary>
[TestClass]
public sealed class OpFixtureTests : TorchTest
{
    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Ops = new()
    {
        ["unary_neg"] = i => [i[0].neg()],
        ["unary_abs"] = i => [i[0].abs()],
        ["unary_sign"] = i => [i[0].sign()],
        ["unary_relu"] = i => [i[0].relu()],
        ["unary_exp"] = i => [i[0].exp()],
        ["unary_sigmoid"] = i => [i[0].sigmoid()],
        ["unary_tanh"] = i => [i[0].tanh()],
        ["unary_floor"] = i => [i[0].floor()],
        ["unary_ceil"] = i => [i[0].ceil()],
        ["unary_round"] = i => [i[0].round()],
        ["unary_square"] = i => [i[0].square()],
        ["unary_sin"] = i => [i[0].sin()],
        ["unary_cos"] = i => [i[0].cos()],
        ["unary_log"] = i => [i[0].log()],
        ["unary_sqrt"] = i => [i[0].sqrt()],
        ["unary_rsqrt"] = i => [i[0].rsqrt()],
        ["unary_reciprocal"] = i => [i[0].reciprocal()],
        ["unary_log1p"] = i => [i[0].log1p()],
        ["binary_add"] = i => [i[0] + i[1]],
        ["binary_sub"] = i => [i[0] - i[1]],
        ["binary_mul"] = i => [i[0] * i[1]],
        ["binary_div"] = i => [i[0] / i[1]],
        ["binary_maximum"] = i => [maximum(i[0], i[1])],
        ["binary_minimum"] = i => [minimum(i[0], i[1])],
        ["binary_atan2"] = i => [i[0].atan2(i[1])],
        ["binary_pow"] = i => [i[0].pow(i[1])],
        ["binary_add_alpha"] = i => [i[0].add(i[1], alpha: -2.5)],
        ["scalar_ops"] = i => [i[0] + 1.5, i[0] * -3.0, 2.0 - i[0], i[0] / 4.0, 1.0 / i[0], i[0].pow(2.0)],
        ["compare"] = i => [i[0].gt(i[1]).to(ScalarType.Byte), i[0].le(0.25).to(ScalarType.Byte), i[0].eq(i[0]).to(ScalarType.Byte)],
        ["where"] = i => [where(i[0].gt(0), i[0], i[1])],
        ["clamp"] = i => [i[0].clamp(-0.5, 0.7), i[0].clamp_min(0), i[0].clamp_max(-0.1)],
        ["leaky_relu"] = i => [F.leaky_relu(i[0], 0.2)],
        ["sum"] = i => [i[0].sum(), i[0].sum(1), i[0].sum([0, 2], keepdim: true)],
        ["mean"] = i => [i[0].mean(), i[0].mean([2]), i[0].mean([1, 2], keepdim: true)],
        ["amax_amin"] = i => [i[0].amax(), i[0].amax(1), i[0].amin([0, 2], keepdim: true)],
        ["max_dim"] = i => { var (v, k) = i[0].max(1); return [v, k]; },
        ["argmax"] = i => [i[0].argmax(), i[0].argmax(2), i[0].argmin(0, keepdim: true)],
        ["topk"] = i => { var (v, k) = i[0].topk(3, dim: 2); return [v, k]; },
        ["softmax"] = i => [i[0].softmax(1), i[0].log_softmax(-1), i[0].logsumexp(1)],
        ["var_std_norm"] = i => [i[0].var(), i[0].std([0, 2], keepdim: true), i[0].norm(1)],
        ["cumsum"] = i => [i[0].cumsum(2)],
        ["quantile"] = i => [i[0].flatten().quantile(tensor(0.9), 0), i[0].quantile(tensor(0.25), dim: 2)],
        ["prod"] = i => [i[0].prod(), i[0].prod(1)],
        ["permute_flatten"] = i => [i[0].permute(2, 0, 1), i[0].flatten(1), i[0].transpose(0, 2)],
        ["cat_stack"] = i => [cat([i[0], i[1]], 1), stack([i[0], i[1]], 0)],
        ["narrow_select"] = i => [i[0].narrow(2, 1, 3), i[0].select(1, 2), i[0].slice(1, 0, 4, 2).slice(2, 1, 4, 1)],
        ["index_select"] = i => [i[0].index_select(1, i[1])],
        ["gather"] = i => [i[0].gather(2, i[1])],
        ["scatter_add"] = i => [zeros([3, 4, 5], ScalarType.Float64).scatter_add(2, i[1], i[0].narrow(2, 0, 2).contiguous())],
        ["expand"] = i => [i[0].expand(3, 4, 5)],
        ["matmul"] = i => [i[0].matmul(i[1]), addmm(ones([3], ScalarType.Float64), i[0], i[1], beta: 0.5f, alpha: 2.0f)],
        ["linear"] = i => [F.linear(i[0], i[1], i[2])],
        ["conv2d"] = i =>
        [
            F.conv2d(i[0], i[1], i[2], strides: [2], padding: [1], dilation: [1], groups: 2),
            F.conv2d(i[0], i[1], i[2], strides: [1, 2], padding: [2, 1], dilation: [2], groups: 2),
            F.conv2d(F.pad(i[0], [0, 1, 1, 2]), i[1], null, groups: 2), // asymmetric: top 1, left 0, bottom 2, right 1
        ],
        ["conv_transpose2d"] = i => [F.conv_transpose2d(i[0], i[1], null, strides: [2], padding: [1], output_padding: [1])],
        ["max_pool2d"] = i =>
        [
            F.max_pool2d(i[0], [3], [2], [1]),
            F.max_pool2d(i[0], [2], [2], [0], ceil_mode: true),
            F.max_pool2d(i[0], [2, 3], [1, 2], [1, 1], dilation: [2, 1]),
        ],
        ["avg_pool2d"] = i =>
        [
            F.avg_pool2d(i[0], [3], [2], [1]),
            F.avg_pool2d(i[0], [3], [2], [1], count_include_pad: false),
            F.avg_pool2d(i[0], [2], [2], ceil_mode: true, count_include_pad: false),
        ],
        ["adaptive_avg_pool2d"] = i => [F.adaptive_avg_pool2d(i[0], [3, 4]), F.adaptive_avg_pool2d(i[0], [1, 1])],
        ["batch_norm"] = i => [F.batch_norm(i[0], i[1], i[2], i[3], i[4], eps: 1e-3)],
        ["interpolate"] = i =>
        [
            F.interpolate(i[0], size: [20, 15], mode: InterpolationMode.Bilinear),
            F.interpolate(i[0], size: [20, 15], mode: InterpolationMode.Bilinear, align_corners: true),
            F.interpolate(i[0], size: [18, 33]),
        ],
        ["pad"] = i =>
        [
            F.pad(i[0], [1, 2, 3, 0]),
            F.pad(i[0], [2, 1, 1, 2], PaddingModes.Reflect),
            F.pad(i[0], [1, 1, 2, 0], PaddingModes.Replicate),
            F.pad(i[0], [-1, 2, 0, -2], value: 0.5),
        ],
        ["grad_conv2d"] = i => [LayerGradients.Conv2dInput(i[2], i[0].shape, i[1], [2], [1], [1], 2)],
        ["grad_max_pool2d"] = i =>
        {
            var (_, indices) = F.max_pool2d_with_indices(i[0], [3], [2], [1]);
            return [LayerGradients.MaxPool2dInput(i[1], i[0].shape, indices)];
        },
        ["grad_avg_pool2d"] = i => [F.avg_pool2d_backward(i[1], i[0], [3], [2], [1], count_include_pad: false)],
        ["grad_adaptive_avg_pool2d"] = i => [LayerGradients.AdaptiveAvgPool2dInput(i[1], i[0].shape)],
        ["grad_linear"] = i => [i[2].matmul(i[1])],
    };

    public static IEnumerable<object[]> Cases()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(FixturePath("ops", "cases.json")));
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
            yield return [c.GetProperty("name").GetString()!, c.GetProperty("inputs").GetInt32(), c.GetProperty("outputs").GetInt32()];
    }

    [TestMethod]
    public void Every_fixture_case_has_an_implementation()
    {
        var names = Cases().Select(c => (string)c[0]).ToList();
        Assert.IsGreaterThanOrEqualTo(60, names.Count);
        CollectionAssert.AreEquivalent(names, Ops.Keys.ToList());
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Op_matches_pytorch(string name, int inputCount, int outputCount)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor[] inputs = Enumerable.Range(0, inputCount).Select(i => Npy.Load(FixturePath("ops", $"{name}.in{i}.npy"))).ToArray();
        Tensor[] actual = Ops[name](inputs);
        Assert.HasCount(outputCount, actual, $"{name}: number of outputs");
        for (int j = 0; j < outputCount; j++)
        {
            Tensor expected = Npy.Load(FixturePath("ops", $"{name}.out{j}.npy"));
            Assert.AreEqual(expected.dtype, actual[j].dtype, $"{name} output {j} dtype");
            double scale = Math.Max(1.0, expected.numel() == 0 ? 0 : expected.to(ScalarType.Float64).abs().max().ItemAs<double>());
            AssertClose(expected, actual[j], 1e-12 * scale, $"{name} output {j}");
        }
    }
}
