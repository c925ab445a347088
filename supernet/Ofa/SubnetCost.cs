using NasPrune.Supernet.Ofa.Static;

namespace NasPrune.Supernet.Ofa;

/// <summary>
/// MACs and parameters of a sub-network from its config alone (no forward). MACs count conv and linear
/// multiply-accumulates (SE convs included; BN, activations, pooling and additions are not);
/// parameters are those of the extracted static model (convs, SE biases, BN weight and bias,
/// classifier). Both must equal what is measured on the extracted model.
/// </summary>
public static class SubnetCost
{
    public static (long Macs, long Params) Of(SubnetConfig config)
    {
        OfaSearchSpace space = config.Space;
        int size = config.Resolution;
        long macs = 0, parameters = 0;

        Add(ref macs, ref parameters, Conv(space.InputChannels, space.StemWidth, 3, 1, size, size));
        parameters += 2L * space.StemWidth;
        Add(ref macs, ref parameters, Block(OfaStem.FirstBlockShape(space), ref size));
        foreach (MbConvShape shape in StaticOfaNet.BlockShapes(config)) Add(ref macs, ref parameters, Block(shape, ref size));

        int last = space.StageWidth(space.StageCount - 1);
        Add(ref macs, ref parameters, Conv(last, space.FinalExpandWidth, 1, 1, size, size));
        parameters += 2L * space.FinalExpandWidth;
        Add(ref macs, ref parameters, Conv(space.FinalExpandWidth, space.FeatureWidth, 1, 1, 1, 1));
        macs += (long)space.FeatureWidth * space.Classes;
        parameters += (long)space.FeatureWidth * space.Classes + space.Classes;
        return (macs, parameters);
    }

    /// <summary>MACs and parameters of one MBConv block on a <paramref name="size"/> input; updates size by the stride.</summary>
    public static (long Macs, long Params) Block(MbConvShape shape, ref int size)
    {
        long macs = 0, parameters = 0;
        if (shape.HasExpansion)
        {
            Add(ref macs, ref parameters, Conv(shape.In, shape.Middle, 1, 1, size, size));
            parameters += 2L * shape.Middle;
        }
        int outSize = (size + 2 * (shape.Kernel / 2) - shape.Kernel) / shape.Stride + 1;
        Add(ref macs, ref parameters, Conv(shape.Middle, shape.Middle, shape.Kernel, shape.Middle, outSize, outSize));
        parameters += 2L * shape.Middle;
        if (shape.Squeeze is int sq)
        {
            macs += 2L * shape.Middle * sq;
            parameters += 2L * shape.Middle * sq + sq + shape.Middle;
        }
        Add(ref macs, ref parameters, Conv(shape.Middle, shape.Out, 1, 1, outSize, outSize));
        parameters += 2L * shape.Out;
        size = outSize;
        return (macs, parameters);
    }

    /// <summary>A bias-free conv producing an outH x outW map.</summary>
    private static (long Macs, long Params) Conv(int inChannels, int outChannels, int kernel, int groups, int outH, int outW)
    {
        long weights = (long)outChannels * (inChannels / groups) * kernel * kernel;
        return (weights * outH * outW, weights);
    }

    private static void Add(ref long macs, ref long parameters, (long Macs, long Params) part)
    {
        macs += part.Macs;
        parameters += part.Params;
    }
}
