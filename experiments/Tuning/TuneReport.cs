using System.Globalization;
using System.Text.Json;
using NasPrune.Search.Tuning;
using NasPrune.Supernet.Serialization;
using ScottPlot;

namespace NasPrune.Experiments.Tuning;

/// <summary>A study's trials as trials.csv and tune.png (objective per trial, pruned trials at their last value, best so far).</summary>
public static class TuneReport
{
    public sealed record Row(int Number, string State, double? Value, int Epochs, string Params);

    public static (IReadOnlyList<Row> Rows, double EpochShareSaved) Write(TuneConfig config, IReadOnlyList<FrozenTrial> trials, int epochsPerTrial)
    {
        var rows = trials.Select(t => new Row(t.Number, t.State.ToString(), t.Value, t.Intermediate.Count,
            JsonSerializer.Serialize(t.Params.ToDictionary(kv => kv.Key, kv => t.Distributions[kv.Key] is CategoricalDistribution c ? (object)c.Choice(kv.Value) : kv.Value)))).ToList();
        CsvTable.Write(Path.Combine(config.Directory, "trials.csv"), rows);

        var plot = new Plot();
        plot.Title($"{config.Name}: {config.Sampler} sampler, {config.Pruner} pruner");
        plot.XLabel("trial");
        plot.YLabel("validation top-1 (%)");
        var complete = trials.Where(t => t.State == TrialState.Complete).ToList();
        var pruned = trials.Where(t => t.State == TrialState.Pruned && t.Value is not null).ToList();
        if (complete.Count > 0)
        {
            var points = plot.Add.ScatterPoints(complete.Select(t => (double)t.Number).ToArray(), complete.Select(t => t.Value!.Value).ToArray());
            points.LegendText = "complete";
            double best = double.NegativeInfinity;
            var bestSoFar = complete.OrderBy(t => t.Number).Select(t => best = Math.Max(best, t.Value!.Value)).ToArray();
            var line = plot.Add.ScatterLine(complete.OrderBy(t => t.Number).Select(t => (double)t.Number).ToArray(), bestSoFar);
            line.LegendText = "best so far";
        }
        if (pruned.Count > 0)
        {
            var points = plot.Add.ScatterPoints(pruned.Select(t => (double)t.Number).ToArray(), pruned.Select(t => t.Value!.Value).ToArray());
            points.LegendText = "pruned (last value)";
        }
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(Path.Combine(config.Directory, "tune.png"), 900, 600);

        int run = trials.Sum(t => t.Intermediate.Count);
        double saved = trials.Count == 0 ? 0 : 1 - (double)run / (trials.Count * (double)epochsPerTrial);
        return (rows, saved);
    }

    internal static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
