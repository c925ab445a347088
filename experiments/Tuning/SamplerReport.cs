using NasPrune.Search.Tuning.Benchmarks;
using NasPrune.Supernet.Serialization;
using ScottPlot;

namespace NasPrune.Experiments.Tuning;

/// <summary>
/// The sampler comparison as samplers.csv and one PNG per function: the median gap of the best value so
/// far to the known minimum, with its quartile band, on a log scale (the gaps span orders of magnitude).
/// </summary>
public static class SamplerReport
{
    public static void Write(string directory, IReadOnlyList<SamplerComparison.Row> rows, int seeds)
    {
        Directory.CreateDirectory(directory);
        CsvTable.Write(Path.Combine(directory, "samplers.csv"), rows);
        foreach (var function in rows.GroupBy(r => r.Function))
        {
            var plot = new Plot();
            plot.Title($"{function.Key}: best value so far, median and quartiles of {seeds} seeds");
            plot.XLabel("trials");
            plot.YLabel("log10(best so far - known minimum)");
            var palette = new ScottPlot.Palettes.Category10();
            foreach (var (sampler, index) in function.GroupBy(r => r.Sampler).Select((g, i) => (g, i)))
            {
                Color color = palette.GetColor(index);
                double[] n = sampler.Select(r => (double)r.Trials).ToArray();
                var band = plot.Add.FillY(n, sampler.Select(r => Gap(r.Q25, r)).ToArray(), sampler.Select(r => Gap(r.Q75, r)).ToArray());
                band.FillStyle.Color = color.WithAlpha(0.2);
                band.LineStyle.Width = 0;
                var line = plot.Add.ScatterLine(n, sampler.Select(r => Gap(r.Median, r)).ToArray());
                line.Color = color;
                line.LineWidth = 2;
                line.LegendText = sampler.Key;
            }
            plot.ShowLegend(Alignment.UpperRight);
            plot.SavePng(Path.Combine(directory, $"samplers-{function.Key}.png"), 900, 600);
        }
    }

    /// <summary>log10 of the distance to the known minimum (floored at 1e-6: the minima are given to six digits).</summary>
    private static double Gap(double value, SamplerComparison.Row row) => Math.Log10(Math.Max(value - row.KnownMinimum, 1e-6));
}
