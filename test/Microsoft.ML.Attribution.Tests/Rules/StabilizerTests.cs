using Microsoft.ML.Attribution.Rules;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Rules;

/// <summary>
/// The rules' quotient r / (z + ε·sign(z)), sign(0) = +1, and the safe r / z (0 where z = 0): the one-pass native kernel
/// (same shapes) must equal the composed definition (broadcast shapes) in float32 and float64.
/// </summary>
[TestClass]
public sealed class StabilizerTests : TorchTest
{
    [TestMethod]
    [DataRow(ScalarType.Float64)]
    [DataRow(ScalarType.Float32)]
    public void Stabilized_division_follows_zennits_sign_convention(ScalarType dtype)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor r = tensor(new double[] { 1, 2, -3, 4, 5, 0 }).to(dtype);
        Tensor z = tensor(new double[] { 0, -0.5, 2, -1e-9, 1e-9, 0 }).to(dtype);
        double eps = 1e-3;
        double[] expected = [1 / eps, 2 / (-0.5 - eps), -3 / (2 + eps), 4 / (-1e-9 - eps), 5 / (1e-9 + eps), 0];
        AssertClose(tensor(expected), Stabilizer.Divide(r, z, eps), dtype == ScalarType.Float64 ? 1e-12 : 1e-3, "r / (z + ε·sign z)");
        AssertClose(tensor(new double[] { 0, -4, -1.5, -4e9, 5e9, 0 }), Stabilizer.Divide(r, z, 0), dtype == ScalarType.Float64 ? 1e-3 : 1e3,
            "ε = 0: r / z, and 0 where z = 0");
    }

    [TestMethod]
    public void The_native_quotient_equals_the_broadcast_definition()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(37);
        Tensor r = randn([2, 16, 9, 7], ScalarType.Float64, generator: g);
        Tensor z = randn([2, 16, 9, 7], ScalarType.Float64, generator: g) * 1e-3;
        z = z.masked_fill(z.abs().lt(2e-4), 0); // exact zeros where z is small
        // A [1, …] denominator broadcasts, so it takes libtorch's composed ops: compare both paths row by row.
        for (int row = 0; row < 2; row++)
        {
            Tensor rRow = r.narrow(0, row, 1).contiguous(), zRow = z.narrow(0, row, 1).contiguous();
            Tensor rWide = rRow.expand([3, 16, 9, 7]).contiguous();
            AssertClose(Stabilizer.Divide(rWide, zRow, 1e-6).narrow(0, 0, 1), Stabilizer.Divide(rRow, zRow, 1e-6), 1e-12, "stabilized");
            AssertClose(Stabilizer.SafeDivide(rWide, zRow).narrow(0, 0, 1), Stabilizer.SafeDivide(rRow, zRow), 1e-12, "safe");
        }
        Tensor nan = tensor(new double[] { double.NaN, 1 });
        Assert.IsTrue(Stabilizer.Divide(nan, tensor(new double[] { 1, double.NaN }), 1e-6).isnan().all().ItemAs<bool>(), "NaN propagates");
    }
}
