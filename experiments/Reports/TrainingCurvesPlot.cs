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
        // Rows of epoch e have steps in ((e-1) * n, e * n]: the largest step / epoch is the closest to n.
        double stepsPerEpoch = val.Count > 0 ? val[0].Step / (double)val[0].Epoch : Math.Max(1, train.Select(r => (double)r.Step / Math.Max(1, r.Epoch)).DefaultIfEmpty(1).Max());
        double Epoch(MetricsRow r) => (double)r.Step / stepsPerEpoch;

        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("top-1 (%)");
        plot.Axes.Right.Label.Text = "loss";
        AddLine(plot, train.Select(Epoch), train.Select(r => r.Top1), "train top-1 (augmented)", plot.Axes.Left);
        AddLine(plot, val.Select(Epoch), val.Select(r => r.Top1), "validation top-1", plot.Axes.Left);
        AddLine(plot, train.Select(Epoch), train.Select(r => r.Loss), "train loss (label-smoothed)", plot.Axes.Right);
        AddLine(plot, val.Select(Epoch), val.Select(r => r.Loss), "validation loss", plot.Axes.Right);
        // Phase boundaries of multi-phase runs (progressive shrinking).
        foreach (var change in train.Zip(train.Skip(1)).Where(p => p.First.Stage != p.Second.Stage))
        {
            var boundary = plot.Add.VerticalLine(Epoch(change.First), 1, Colors.Gray);
            boundary.Text = change.Second.Stage;
            boundary.LabelOppositeAxis = true;
        }
        plot.ShowLegend(Alignment.MiddleRight);
        string path = Path.Combine(run.Root, FileName);
        plot.SavePng(path, 1000, 560);
        return path;
    }

    private static void AddLine(Plot plot, IEnumerable<double> xs, IEnumerable<double> ys, string label, IYAxis axis)
    {
        double[] x = xs.ToArray(), y = ys.ToArray();
        if (x.Length == 0) return;
        var line = plot.Add.ScatterLine(x, y);
        line.LegendText = label;
        line.Axes.YAxis = axis;
    }
}
