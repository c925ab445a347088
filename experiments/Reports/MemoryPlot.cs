using NasPrune.Training.Runs;
using ScottPlot;

namespace NasPrune.Experiments.Reports;

/// <summary>
/// Draws the resident memory a run recorded at each validation (metrics.csv) as memory.png, with the phase
/// boundaries and a line 10 % above the first epoch's figure: the flat-memory check, where people look.
/// A resumed run starts a new process, whose memory starts again from its own first epoch.
/// </summary>
public static class MemoryPlot
{
    public const string FileName = "memory.png";

    /// <summary>The picture's path, or null when the run has recorded no memory figures yet.</summary>
    public static string? Write(RunDirectory run, string title)
    {
        List<MetricsRow> rows = MetricsLog.Read(run.Metrics);
        var measured = rows.Where(r => r.Phase == "val" && r.RssMb > 0).ToList();
        if (measured.Count == 0) return null;
        Func<MetricsRow, double> epoch = TrainingCurvesPlot.EpochOf(rows);

        var plot = new Plot();
        plot.Title($"{title}: resident memory");
        plot.XLabel("epoch");
        plot.YLabel("resident memory (MB)");
        TrainingCurvesPlot.AddLine(plot, measured.Select(epoch), measured.Select(r => r.RssMb), "at each validation", plot.Axes.Left);
        var limit = plot.Add.HorizontalLine(measured[0].RssMb * 1.1, 1, Colors.Red);
        limit.LegendText = "first epoch + 10 %"; // in the legend: an axis-edge label is clipped at the figure's edge
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, Math.Max(measured.Max(r => r.RssMb), measured[0].RssMb * 1.1) * 1.25);
        TrainingCurvesPlot.AddPhaseBoundaries(plot, rows.Where(r => r.Phase == "train").ToList(), epoch);
        plot.ShowLegend(Alignment.LowerRight);
        string path = Path.Combine(run.Root, FileName);
        plot.SavePng(path, 1000, 420);
        return path;
    }
}
