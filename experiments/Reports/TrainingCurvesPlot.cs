using NasPrune.Training.Runs;
using ScottPlot;

namespace NasPrune.Experiments.Reports;

/// <summary>Draws a run's metrics.csv as a PNG: train and validation top-1 (left axis) and loss (right axis) per epoch.</summary>
public static class TrainingCurvesPlot
{
    public const string FileName = "curves.png";

    public static string Write(RunDirectory run, string title)
    {
        List<MetricsRow> rows = MetricsLog.Read(run.Metrics);
        var train = rows.Where(r => r.Phase == "train").ToList();
        var val = rows.Where(r => r.Phase == "val").ToList();
        Func<MetricsRow, double> Epoch = EpochOf(rows);

        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("top-1 (%)");
        plot.Axes.Right.Label.Text = "loss";
        AddLine(plot, train.Select(Epoch), train.Select(r => r.Top1), "train top-1 (augmented)", plot.Axes.Left);
        AddLine(plot, val.Select(Epoch), val.Select(r => r.Top1), "validation top-1", plot.Axes.Left);
        AddLine(plot, train.Select(Epoch), train.Select(r => r.Loss), "train loss (label-smoothed)", plot.Axes.Right);
        AddLine(plot, val.Select(Epoch), val.Select(r => r.Loss), "validation loss", plot.Axes.Right);
        AddPhaseBoundaries(plot, train, Epoch);
        plot.ShowLegend(Alignment.MiddleRight);
        string path = Path.Combine(run.Root, FileName);
        plot.SavePng(path, 1000, 560);
        return path;
    }

    /// <summary>Epochs of a run, fractional: rows of epoch e have steps in ((e-1) * n, e * n], so the first validation row gives n.</summary>
    internal static Func<MetricsRow, double> EpochOf(IReadOnlyList<MetricsRow> rows)
    {
        var train = rows.Where(r => r.Phase == "train").ToList();
        var val = rows.Where(r => r.Phase == "val").ToList();
        double stepsPerEpoch = val.Count > 0 ? val[0].Step / (double)val[0].Epoch : Math.Max(1, train.Select(r => (double)r.Step / Math.Max(1, r.Epoch)).DefaultIfEmpty(1).Max());
        return r => r.Step / stepsPerEpoch;
    }

    /// <summary>
    /// A vertical line where the stage (the phase of a multi-phase run) changes, and each phase's name
    /// inside the plot at the top, just right of where the phase starts. Names sit on two alternating
    /// rows, so short phases (2 epochs) do not overlap; on the axis edge they covered the title. Call
    /// after the axis limits are final (<paramref name="plot"/> is auto-scaled first if they are not set).
    /// </summary>
    internal static void AddPhaseBoundaries(Plot plot, IReadOnlyList<MetricsRow> train, Func<MetricsRow, double> epoch)
    {
        var boundaries = train.Zip(train.Skip(1)).Where(p => p.First.Stage != p.Second.Stage)
            .Select(p => (Epoch: epoch(p.First), Phase: p.Second.Stage)).ToList();
        if (boundaries.Count == 0) return; // one phase: nothing to mark
        foreach (var boundary in boundaries) plot.Add.VerticalLine(boundary.Epoch, 1, Colors.Gray);
        var starts = boundaries.Prepend((Epoch: 0.0, Phase: train[0].Stage)).ToList();

        if (!plot.Axes.Bottom.Range.HasBeenSet) plot.Axes.AutoScale();
        double top = plot.Axes.GetLimits().Top;
        for (int i = 0; i < starts.Count; i++)
        {
            var name = plot.Add.Text(starts[i].Phase, starts[i].Epoch, top);
            name.LabelAlignment = Alignment.UpperLeft;
            name.LabelFontSize = 12;
            name.LabelFontColor = Colors.DimGray;
            name.LabelBackgroundColor = Colors.White.WithAlpha(0.8);
            name.OffsetX = 3;
            name.OffsetY = 3 + (i % 2) * 17;
        }
    }

    internal static void AddLine(Plot plot, IEnumerable<double> xs, IEnumerable<double> ys, string label, IYAxis axis)
    {
        double[] x = xs.ToArray(), y = ys.ToArray();
        if (x.Length == 0) return;
        var line = plot.Add.ScatterLine(x, y);
        line.LegendText = label;
        line.Axes.YAxis = axis;
    }
}
