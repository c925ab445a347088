using NasPrune.Training.Runs;
using NasPrune.Training.Shrinking;
using ScottPlot;
using NasPrune.Supernet.Serialization;

namespace NasPrune.Experiments.Reports;

/// <summary>
/// subnets.png: recalibrated validation top-1 of the panel sub-networks after each progressive-shrinking
/// phase. The named ones (largest, middle, smallest, random-i) are drawn as labelled lines; the min/max
/// grid as thin grey lines behind them.
/// </summary>
public static class SubnetsPlot
{
    public const string FileName = "subnets.png";

    public static string Write(RunDirectory run, string title)
    {
        List<SubnetRow> rows = CsvTable.Read<SubnetRow>(run.SubnetsCsv).Where(r => r.Split == "validation").ToList();
        string[] stages = rows.Select(r => r.Stage).Distinct().ToArray();
        var plot = new Plot();
        plot.Title($"{title}: sub-networks after each phase (BN-recalibrated)");
        plot.XLabel("phase");
        plot.YLabel("validation top-1 (%)");
        foreach (var group in rows.GroupBy(r => r.Name).OrderBy(g => g.Key.StartsWith("grid", StringComparison.Ordinal) ? 0 : 1))
        {
            double[] xs = group.Select(r => (double)Array.IndexOf(stages, r.Stage)).ToArray();
            double[] ys = group.Select(r => r.Top1).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            if (group.Key.StartsWith("grid", StringComparison.Ordinal))
            {
                line.Color = Colors.Gray.WithAlpha(0.35);
                line.LineWidth = 1;
                line.MarkerSize = 0;
            }
            else
            {
                line.LegendText = $"{group.Key} ({group.First().Macs / 1e6:F1} M MACs)";
                line.LineWidth = 2;
                line.MarkerSize = 7;
            }
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            stages.Select((s, i) => new Tick(i, s)).ToArray());
        plot.ShowLegend(Alignment.LowerRight);
        string path = Path.Combine(run.Root, FileName);
        plot.SavePng(path, 1000, 600);
        return path;
    }
}
