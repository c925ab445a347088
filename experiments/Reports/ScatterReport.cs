using ScottPlot;

namespace NasPrune.Experiments.Reports;

/// <summary>One set of points of a scatter picture.</summary>
public sealed record ScatterSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Background = false);

/// <summary>Scatter pictures of predictions (predicted vs measured, with the y = x line) and of search fronts.</summary>
public static class ScatterReport
{
    public static string Write(string path, string title, string xLabel, string yLabel, IEnumerable<ScatterSeries> series, bool identityLine = false)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        var all = series.ToList();
        foreach (ScatterSeries s in all.Where(s => s.X.Count > 0))
        {
            var points = plot.Add.ScatterPoints(s.X.ToArray(), s.Y.ToArray());
            points.LegendText = s.Label;
            points.MarkerSize = s.Background ? 3 : 7;
            if (s.Background) points.Color = Colors.Gray.WithAlpha(0.4);
        }
        if (identityLine && all.SelectMany(s => s.X.Concat(s.Y)).Any())
        {
            double low = all.SelectMany(s => s.X.Concat(s.Y)).Min(), high = all.SelectMany(s => s.X.Concat(s.Y)).Max();
            var line = plot.Add.Line(low, low, high, high);
            line.LegendText = "y = x";
            line.Color = Colors.Black.WithAlpha(0.5);
        }
        // Outside the data area: inside, the legend hid points that fell in its corner (a network at the right edge).
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 1100, 700);
        return path;
    }
}
