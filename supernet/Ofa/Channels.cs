namespace NasPrune.Supernet.Ofa;

/// <summary>Channel arithmetic shared by the OFA space, its blocks and its counting.</summary>
public static class Channels
{
    /// <summary>
    /// OFA's make_divisible(v, 8): round to the nearest multiple of 8 (ties up), at least 8, and one
    /// step more if that lost over 10 % of v.
    /// </summary>
    public static int MakeDivisible(double value, int divisor = 8)
    {
        int rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        if (rounded < 0.9 * value) rounded += divisor;
        return rounded;
    }

    /// <summary>Middle (expanded) width of an MBConv block: make_divisible(round(in * e)).</summary>
    public static int MiddleWidth(int inChannels, double expandRatio) =>
        MakeDivisible(Math.Round(inChannels * expandRatio, MidpointRounding.ToEven));

    /// <summary>SE squeeze width for a middle width: make_divisible(mid // 4).</summary>
    public static int SqueezeWidth(int middle) => MakeDivisible(middle / 4);
}
