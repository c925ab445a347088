using System.Reflection;
using NasPrune.Supernet.Runtime;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Architecture;

/// <summary>
/// NasPrune's compiled code never gives libtorch a Scalar the GC may free during the call (ScalarMath says why:
/// it made rare NaN losses and crashes in long runs).
/// </summary>
public sealed class HiddenScalarTests
{
    private static readonly string[] OurAssemblies =
        ["NasPrune.Supernet", "NasPrune.Training", "NasPrune.LatencyTables", "NasPrune.Predictors", "NasPrune.Search", "nasprune"];

    [Fact]
    public void NoNasPruneMethodHandsLibTorchATemporaryScalar()
    {
        var violations = OurAssemblies.Select(Assembly.Load).SelectMany(IlCalls.MethodsOf).SelectMany(HiddenScalars.Violations).Distinct().ToList();
        Assert.True(violations.Count == 0, "use NasPrune.Supernet.Runtime.ScalarMath instead:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheScanFindsTorchSharpsOwnHiddenScalars()
    {
        var found = HiddenScalars.UnsafeTorchSharpMembers.Select(HiddenScalars.Describe).ToHashSet();
        Assert.Contains("Tensor.add(Tensor)", found);                 // add with an implicit alpha of 1
        Assert.Contains("Tensor.op_Multiply(Tensor,Double)", found);  // t * 0.5
        Assert.Contains("BatchNorm.forward(Tensor)", found);          // num_batches_tracked.add_(1)
        Assert.DoesNotContain("Tensor.add(Tensor,Scalar)", found);    // what ScalarMath builds on
        Assert.DoesNotContain("Tensor.mul(Scalar)", found);
    }

    [Fact]
    public void EachKindOfUnsafeCallIsReported()
    {
        Assert.Contains(Report(nameof(ImplicitConversion)), v => v.Contains("implicit conversion to Scalar"));
        Assert.Contains(Report(nameof(UndisposedToScalar)), v => v.Contains("ToScalar() without disposing"));
        Assert.Contains(Report(nameof(TorchSharpAdd)), v => v.Contains("Tensor.add(Tensor)"));
        Assert.Contains(Report(nameof(TorchSharpBatchNorm)), v => v.Contains("BatchNorm2d, whose forward"));
        Assert.Empty(Report(nameof(ThroughScalarMath)));
    }

    private static List<string> Report(string method) =>
        HiddenScalars.Violations(typeof(HiddenScalarTests).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!).ToList();

    private static Tensor ImplicitConversion(Tensor t) => t.mul(0.5);
    private static Tensor UndisposedToScalar(Tensor t) => t.mul(0.5.ToScalar());
    private static Tensor TorchSharpAdd(Tensor a, Tensor b) => a.add(b);
    private static nn.Module<Tensor, Tensor> TorchSharpBatchNorm() => nn.BatchNorm2d(4);
    private static Tensor ThroughScalarMath(Tensor a, Tensor b) => a.Plus(b).Times(0.5).DividedBy(3).Plus(b, alpha: -0.1).PlusInPlace(1.0);
}
