using NasPrune.Supernet.Normalization;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Darts.Operations;

/// <summary>
/// The DARTS operation set (PRIMITIVES, in DARTS' order). Every convolution is a
/// <see cref="Sparse.SparseConv2d"/>, so the same operations are dense at sparsity 0 and the DASS
/// "sparse operations" once a sparsity is set.
/// </summary>
public static class DartsOperations
{
    public const string None = "none";
    public const string MaxPool = "max_pool_3x3";
    public const string AvgPool = "avg_pool_3x3";
    public const string Skip = "skip_connect";
    public const string SepConv3 = "sep_conv_3x3";
    public const string SepConv5 = "sep_conv_5x5";
    public const string DilConv3 = "dil_conv_3x3";
    public const string DilConv5 = "dil_conv_5x5";

    public static IReadOnlyList<string> All { get; } = [None, MaxPool, AvgPool, Skip, SepConv3, SepConv5, DilConv3, DilConv5];

    public static int IndexOf(string name)
    {
        int index = All.ToList().IndexOf(name);
        return index >= 0 ? index : throw new ArgumentException($"operation '{name}': allowed values are {string.Join(", ", All)}");
    }

    /// <summary>
    /// The operation on <paramref name="channels"/> channels with the given stride. BatchNorms are affine in
    /// the derived network and not in the search network (as in DARTS, where the architecture weights
    /// would otherwise trade off against the BN scales); pools get a non-affine BN in search only.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(string name, int channels, int stride, bool searching) => name switch
    {
        MaxPool => Pool(nn.MaxPool2d(3, stride, 1), channels, searching),
        AvgPool => Pool(nn.AvgPool2d(3, stride, 1, count_include_pad: false), channels, searching),
        Skip => stride == 1 ? nn.Identity() : new FactorizedReduce(channels, channels, affine: !searching),
        SepConv3 => new SeparableConv(channels, 3, stride, 1, affine: !searching),
        SepConv5 => new SeparableConv(channels, 5, stride, 2, affine: !searching),
        DilConv3 => new DilatedConv(channels, channels, 3, stride, 2, 2, affine: !searching),
        DilConv5 => new DilatedConv(channels, channels, 5, stride, 4, 2, affine: !searching),
        None => throw new ArgumentException("operation 'none' has no module: its output is zero"),
        _ => throw new ArgumentException($"operation '{name}': allowed values are {string.Join(", ", All)}"),
    };

    private static nn.Module<Tensor, Tensor> Pool(nn.Module<Tensor, Tensor> pool, int channels, bool searching) =>
        searching ? nn.Sequential(("pool", pool), ("bn", new SafeBatchNorm2d(channels, affine: false))) : pool;
}
