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

    /// <summary>A labelled vertical line where the stage (the phase of a multi-phase run) changes.</summary>
    internal static void AddPhaseBoundaries(Plot plot, IReadOnlyList<MetricsRow> train, Func<MetricsRow, double> epoch)
    {
        foreach (var change in train.Zip(train.Skip(1)).Where(p => p.First.Stage != p.Second.Stage))
        {
            var boundary = plot.Add.VerticalLine(epoch(change.First), 1, Colors.Gray);
            boundary.Text = change.Second.Stage;
            boundary.LabelOppositeAxis = true;
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
