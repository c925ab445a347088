namespace NasPrune.Supernet.Tas;

/// <summary>
/// TAS's candidate sizes (design note tas.md, as the reference's get_width_choices / get_depth_choices):
/// widths int(C * r) for r = 0.3, 0.4, ..., 1.0, deduplicated; depths 1..n when n &lt;= 3, else the odd
/// numbers up to n plus n itself.
/// </summary>
public static class TasChoices
{
    private static readonly double[] Ratios = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

    public static int[] Widths(int channels)
    {
        if (channels < 1) throw new ArgumentException($"width choices need at least 1 channel, got {channels}");
        return Ratios.Select(r => (int)(channels * r)).Where(w => w > 0).Distinct().Order().ToArray();
    }

    public static int[] Depths(int blocks)
    {
        if (blocks < 1) throw new ArgumentException($"depth choices need at least 1 block, got {blocks}");
        if (blocks <= 3) return Enumerable.Range(1, blocks).ToArray();
        var odd = Enumerable.Range(1, blocks).Where(d => d % 2 == 1).ToList();
        if (odd[^1] != blocks) odd.Add(blocks);
        return odd.ToArray();
    }
}
