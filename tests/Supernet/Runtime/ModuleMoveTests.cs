using NasPrune.Predictors.Accuracy;
using NasPrune.Supernet.Models;
using NasPrune.Supernet.Sparse;
using NasPrune.Supernet.Tas;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Runtime;

/// <summary>
/// Module.to() (another device or dtype) must leave every NasPrune module computing with the moved
/// tensors. There is no GPU here; a dtype move takes the same TorchSharp path as a device move.
/// </summary>
public sealed class ModuleMoveTests
{
    public static TheoryData<string> Networks => ["tas-search", "sparse-conv", "resnet", "sparse-linear", "accuracy-mlp"];

    [Theory]
    [MemberData(nameof(Networks))]
    public void AfterAMoveEveryTensorIsMovedAndTheOutputIsTheSame(string name)
    {
        using var net32 = Build(name);
        using var net64 = Build(name);
        net64.to(ScalarType.Float64);
        net32.eval();
        net64.eval();

        foreach (var (key, tensor) in net64.state_dict())
            if (tensor.is_floating_point()) Assert.True(tensor.dtype == float64, $"{name}: {key} is still {tensor.dtype}");

        if (net64 is SearchableResNet tas) Assert.All(tas.WidthLogits.Concat(tas.DepthLogits), l => Assert.Equal(float64, l.dtype));
        manual_seed(4);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = name switch
        {
            "accuracy-mlp" => randn(3, 6, dtype: float64),
            "sparse-linear" => randn(3, 8, dtype: float64),
            "sparse-conv" => randn(2, 3, 8, 8, dtype: float64),
            _ => randn(2, 1, 8, 8, dtype: float64),
        };
        TensorAssert.Close(net64.call(x), net32.call(x.to(float32)), 1e-4, name);
    }

    private static nn.Module<Tensor, Tensor> Build(string name)
    {
        manual_seed(1);
        nn.Module<Tensor, Tensor> net = name switch
        {
            // Full width and depth: the search's Gumbel draws would differ between the two dtypes.
            "tas-search" => new SearchableResNet(TasSearchSpace.ForResNet(14, 1, 10, 12)) { SearchWidths = false, SearchDepths = false },
            "sparse-conv" => new SparseConv2d(3, 6, 3, padding: 1) { Sparsity = 0.5 },   // DARTS and DASS operations
            "resnet" => new CifarResNet(new ResNetSpec(8, 1, 10, [16, 32, 64], [5, 27, 37])),
            "sparse-linear" => new SparseLinear(8, 5) { Sparsity = 0.5 },
            "accuracy-mlp" => new AccuracyMlp(6, 0.9),
            _ => throw new ArgumentException(name),
        };
        if (net is SparseLayer sparse) sparse.InitialiseScores();
        return net;
    }
}
