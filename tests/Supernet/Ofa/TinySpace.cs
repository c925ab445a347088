using NasPrune.Supernet.Ofa;

namespace NasPrune.Tests.Supernet.Ofa;

/// <summary>The built-in space at a tiny width, so supernet tests run in milliseconds.</summary>
public static class TinySpace
{
    public static readonly OfaSearchSpace Space = OfaSearchSpace.Default(widthMultiplier: 0.25);

    public static OfaSupernet Supernet(long seed = 0)
    {
        TorchSharp.torch.manual_seed(seed);
        return new OfaSupernet(Space);
    }
}
