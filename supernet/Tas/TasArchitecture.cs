namespace NasPrune.Supernet.Tas;

/// <summary>
/// One discrete CIFAR-ResNet shape found by TAS: the stem width and, per stage, the (conv a, conv b)
/// output widths of its active blocks (the stage's depth is the list's length). The static network
/// built from it uses avg-pool + 1x1 conv shortcuts at stride 2 and 1x1 conv + BN projections where a
/// stride-1 block changes the width.
/// </summary>
public sealed record TasArchitecture(int StemWidth, IReadOnlyList<IReadOnlyList<(int A, int B)>> Stages)
{
    /// <summary>The key of a derived network's model file metadata that holds its architecture (<see cref="ToString"/>'s form).</summary>
    public const string FileMetadataKey = "tasArchitecture";

    /// <summary>Multiply-accumulates on a <paramref name="size"/>-pixel square input (convs and the classifier; BN, pooling, additions not counted).</summary>
    /// <param name="stride1Projections">False for the search network's cost model, whose stride-1 residuals of unequal widths are additive.</param>
    public long Macs(int inChannels, int classes, int size, bool stride1Projections = true)
    {
        long macs = 9L * inChannels * StemWidth * size * size;
        int width = StemWidth, h = size;
        for (int s = 0; s < Stages.Count; s++)
            for (int b = 0; b < Stages[s].Count; b++)
            {
                var (a, bw) = Stages[s][b];
                int stride = b == 0 && s > 0 ? 2 : 1;
                int outH = (h - 1) / stride + 1;
                long area = (long)outH * outH;
                macs += 9L * width * a * area + 9L * a * bw * area;
                if (stride == 2 || (stride1Projections && width != bw)) macs += (long)width * bw * area;
                (width, h) = (bw, outH);
            }
        return macs + (long)width * classes;
    }

    public override string ToString() =>
        $"stem{StemWidth}|" + string.Join("|", Stages.Select(stage => string.Join(",", stage.Select(b => $"{b.A}-{b.B}"))));

    /// <summary>Parses <see cref="ToString"/>'s form, e.g. <c>stem8|4-16,6-16,8-16|19-32|..</c>; errors name the part.</summary>
    public static TasArchitecture Parse(string text)
    {
        string[] parts = text.Trim().Split('|');
        if (parts.Length < 2 || !parts[0].StartsWith("stem", StringComparison.Ordinal) || !int.TryParse(parts[0].AsSpan(4), out int stem) || stem < 1)
            throw new ArgumentException($"TAS architecture '{text}': expected stem<width>|<a>-<b>,...|... (one group of blocks per stage)");
        var stages = parts.Skip(1).Select((group, s) => (IReadOnlyList<(int, int)>)group.Split(',').Select(block =>
        {
            string[] ab = block.Split('-');
            if (ab.Length != 2 || !int.TryParse(ab[0], out int a) || !int.TryParse(ab[1], out int b) || a < 1 || b < 1)
                throw new ArgumentException($"TAS architecture '{text}': stage {s} block '{block}' is not <conv a width>-<conv b width>");
            return (a, b);
        }).ToList()).ToList();
        return new TasArchitecture(stem, stages);
    }
}
