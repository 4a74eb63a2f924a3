using System.Reflection.Metadata;
using Microsoft.ML.Attribution.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Runtime;

/// <summary>
/// No number reaches libtorch in a <see cref="TorchSharp.Scalar"/> that the garbage collector may finalize during the call
/// (see <see cref="HeldScalars"/>): the compiled library, CLI and pipeline sample neither convert a number to a Scalar
/// outside <see cref="HeldScalars"/>, nor call a TorchSharp method that makes one it does not hold (its operators with
/// numbers, tensor + tensor, add(Tensor), arange(n), square(), …, found by reading TorchSharp's own IL).
/// </summary>
[TestClass]
public sealed class ScalarLifetimeTests : TorchTest
{
    private const string ScalarType = "TorchSharp.Scalar";

    private static bool MakesScalar(string target) =>
        target.StartsWith(ScalarType + "::op_Implicit(", StringComparison.Ordinal) || target.StartsWith("TorchSharp.ScalarExtensionMethods::To", StringComparison.Ordinal);

    private static readonly Lazy<HashSet<string>> s_unheldScalarMakers = new(FindUnheldScalarMakers);

    private static HashSet<string> UnheldScalarMakers() => s_unheldScalarMakers.Value;

    /// <summary>TorchSharp methods that make a Scalar and do not dispose one, and every TorchSharp method that calls one of them.</summary>
    private static HashSet<string> FindUnheldScalarMakers()
    {
        IReadOnlyList<IlCallSites.Method> methods = IlCallSites.Read(typeof(TorchSharp.Scalar).Assembly.Location);
        var makers = methods.Where(m => m.Type != "TorchSharp.ScalarExtensionMethods" && m.Type != ScalarType
                && m.Calls.Any(c => MakesScalar(c.Target)) && !m.Calls.Any(c => c.Target.StartsWith(ScalarType + "::Dispose", StringComparison.Ordinal)))
            .Select(m => m.Name).ToHashSet();
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (IlCallSites.Method method in methods)
                if (!makers.Contains(method.Name) && method.Calls.Any(c => makers.Contains(c.Target)))
                    grew = makers.Add(method.Name);
        }
        return makers;
    }

    private static IEnumerable<string> OurAssemblies() =>
    [
        typeof(HeldScalars).Assembly.Location,
        typeof(global::Attribution.Cli.Commands.BenchCommand).Assembly.Location,
        Path.Combine(AppContext.BaseDirectory, "PipelineSample.dll"),
    ];

    [TestMethod]
    public void The_scan_knows_the_unheld_scalars_of_TorchSharp()
    {
        HashSet<string> makers = UnheldScalarMakers();
        // The ones the reproduction and the CLI hit, so a TorchSharp update that holds them shows up here.
        foreach (string known in new[]
                 {
                     "TorchSharp.torch+Tensor::op_Multiply(TorchSharp.torch+Tensor,Double)",
                     "TorchSharp.torch+Tensor::op_Addition(TorchSharp.torch+Tensor,TorchSharp.torch+Tensor)",
                     "TorchSharp.torch+Tensor::add(TorchSharp.torch+Tensor)",
                 })
            Assert.Contains(known, makers, $"TorchSharp {typeof(TorchSharp.Scalar).Assembly.GetName().Version} no longer makes an unheld Scalar in {known}: revisit HeldScalars.");
        Assert.DoesNotContain("TorchSharp.torch+Tensor::mul(TorchSharp.Scalar)", makers, "taking a caller's Scalar is fine");
    }

    /// <summary>Each call in the assembly that hands libtorch a Scalar it may free mid-call, with its place.</summary>
    private static List<string> UnheldScalars(string assembly, HashSet<string> makers)
    {
        var findings = new List<string>();
        foreach (IlCallSites.Method method in IlCallSites.Read(assembly))
        {
            bool holder = method.Type == typeof(HeldScalars).FullName;
            for (int k = 0; k < method.Calls.Count; k++)
            {
                IlCallSites.Call call = method.Calls[k];
                if (makers.Contains(call.Target))
                    findings.Add($"{call.Where} {method.Name}: calls {call.Target}, which makes a Scalar it does not hold — use HeldScalars");
                else if (MakesScalar(call.Target) && !holder)
                    findings.Add($"{call.Where} {method.Name}: converts a number to a Scalar ({call.Target}) — use HeldScalars");
                else if (MakesScalar(call.Target) && !StoredOrHeld(method.Calls, k))
                    findings.Add($"{call.Where} {method.Name}: a Scalar neither stored in a (using) local or static field nor handed to HeldScalars.With");
            }
        }
        return findings;
    }

    /// <summary>
    /// Inside <see cref="HeldScalars"/>: the Scalar made by call <paramref name="k"/> goes into a local or static field, or is the
    /// argument of the next real call, With, which disposes it only after the operation (delegate set-up calls in between).
    /// </summary>
    private static bool StoredOrHeld(IReadOnlyList<IlCallSites.Call> calls, int k)
    {
        if (calls[k].Next is ILOpCode.Stloc or ILOpCode.Stloc_s or ILOpCode.Stloc_0 or ILOpCode.Stloc_1 or ILOpCode.Stloc_2
            or ILOpCode.Stloc_3 or ILOpCode.Stsfld)
            return true;
        IlCallSites.Call? next = calls.Skip(k + 1).FirstOrDefault(c =>
            !c.Target.EndsWith("::.ctor(Object,IntPtr)", StringComparison.Ordinal) && !c.Target.Contains("::<", StringComparison.Ordinal));
        return next?.Target.StartsWith(typeof(HeldScalars).FullName + "::With(", StringComparison.Ordinal) == true;
    }

    [TestMethod]
    public void Our_code_hands_libtorch_no_scalar_the_collector_can_free_during_the_call()
    {
        HashSet<string> makers = UnheldScalarMakers();
        var findings = new List<string>();
        foreach (string assembly in OurAssemblies())
        {
            Assert.IsTrue(File.Exists(assembly), $"{assembly} is not built beside the tests.");
            findings.AddRange(UnheldScalars(assembly, makers));
        }
        Assert.IsEmpty(findings, $"{findings.Count} places:\n" + string.Join("\n", findings.Distinct()));
    }

    [TestMethod]
    public void The_scan_finds_the_operators_this_test_assembly_uses()
    {
        // The tests compare against TorchSharp's own operators (below): the scan must see them, at their lines.
        List<string> findings = UnheldScalars(typeof(ScalarLifetimeTests).Assembly.Location, UnheldScalarMakers());
        string[] here = findings.Where(f => f.Contains(nameof(Held_arithmetic_equals_TorchSharps_operators), StringComparison.Ordinal)).ToArray();
        Assert.IsTrue(here.Any(f => f.Contains("op_Addition(TorchSharp.torch+Tensor,TorchSharp.torch+Tensor)", StringComparison.Ordinal)), string.Join("\n", here));
        Assert.IsTrue(here.Any(f => f.Contains("op_Multiply(TorchSharp.torch+Tensor,Double)", StringComparison.Ordinal)), string.Join("\n", here));
        Assert.IsTrue(here.Any(f => f.Contains("op_Implicit(Double)", StringComparison.Ordinal)), "a number passed where TorchSharp takes a Scalar");
        Assert.IsTrue(here.All(f => f.StartsWith("ScalarLifetimeTests.cs:", StringComparison.Ordinal)), "each finding names its source line: " + here.FirstOrDefault());
    }

    [TestMethod]
    public void Held_arithmetic_equals_TorchSharps_operators()
    {
        using DisposeScope scope = NewDisposeScope();
        using var g = RandomGenerators.FromSeed(3);
        Tensor a = randn([4, 5], generator: g), b = randn([4, 5], generator: g);
        Tensor integers = arange(-6, 6).reshape(3, 4);
        void Same(Tensor expected, Tensor actual, string what)
        {
            Assert.AreEqual(expected.dtype, actual.dtype, what);
            Assert.IsTrue(expected.eq(actual).all().ItemAs<bool>(), what);
        }
        Same(a + b, a.Plus(b), "a + b");
        Same(a + 0.25, a.Plus(0.25), "a + c");
        Same(integers + 3, integers.Plus(3L), "integer + integer stays integer");
        Same(a - 0.25, a.Minus(0.25), "a − c");
        Same(1.5 - a, a.SubtractedFrom(1.5), "c − a");
        Same(a * 0.3, a.Times(0.3), "a · c");
        Same(integers * 2, integers.Times(2L), "integer · integer");
        Same(a / 7.0, a.DividedBy(7.0), "a / c");
        Same(integers / 4, integers.DividedBy(4L), "integer / integer is true division");
        Same(a.square(), a.Squared(), "a²");
        Same(a.clamp(-0.5, 0.5), a.ClampedTo(-0.5, 0.5), "clamp");
        Same(integers.clamp(-2, 3), integers.ClampedTo(-2L, 3L), "integer clamp");
        Same(a.clamp_min(0.1), a.AtLeast(0.1), "clamp_min");
        Same(a.clamp_max(0.1), a.AtMost(0.1), "clamp_max");
        Same(a.gt(0.2), a.GreaterThan(0.2), ">");
        Same(a.ge(0.2), a.AtLeastMask(0.2), "≥");
        Same(a.lt(0.2), a.LessThan(0.2), "<");
        Same(a.le(0.2), a.AtMostMask(0.2), "≤");
        Same(integers.ne(0), integers.NotEqualTo(0), "≠");
        Same(full([2, 3], 0.7, float32), HeldScalars.Filled([2, 3], 0.7, float32), "full");
        Same(full_like(a, 2.5), HeldScalars.FilledLike(a, 2.5), "full_like");
        Same(arange(5), HeldScalars.Range(5), "arange");
        Same(a.clone().add_(b), a.clone().PlusInPlace(b), "a += b");
        Same(a.clone().add_(0.5), a.clone().PlusInPlace(0.5), "a += c");
        Same(a.clone().mul_(0.5), a.clone().TimesInPlace(0.5), "a ·= c");
        Same(a.clone().clamp_min_(0), a.clone().AtLeastInPlace(0), "clamp_min_");
        Tensor index = tensor(new long[] { 0, 2, 0 });
        Same(zeros(3, 5).index_add_(0, index, b.narrow(0, 0, 3), 1), zeros(3, 5).IndexAddInPlace(0, index, b.narrow(0, 0, 3)), "index_add_");
    }
}
