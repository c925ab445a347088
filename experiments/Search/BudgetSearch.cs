using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Experiments.Cli;
using NasPrune.LatencyTables.Checks;
using NasPrune.LatencyTables.Measurement;
using NasPrune.LatencyTables.Tables;
using NasPrune.Search.Configuration;
using NasPrune.Search.Constraints;
using NasPrune.Search.Evolution;
using NasPrune.Search.Verification;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Serialization;
using NasPrune.Training.Loops;
using NasPrune.Training.Shrinking;
using TorchSharp;

namespace NasPrune.Experiments.Search;

/// <summary>
/// One budget of <c>nasprune search</c>: the evolutionary search, and the export of its pick as a
/// BN-recalibrated sub-network directory whose arch.json records the device, the budget and the
/// predicted (and, verified, measured) figures.
/// </summary>
internal sealed class BudgetSearch(OfaSupernet supernet, OfaSearchSpace space, PredictorScorer scorer, LatencyTable table, SearchConfig config,
    SubnetMeasurement measurement, BudgetConfig budget, CommandContext context)
{
    private string ExportDirectory => Path.Combine(config.ExportDir, budget.Name);

    /// <summary>One search under the budget; with <paramref name="verify"/> the pick's latency and accuracy are measured.</summary>
    public (SearchResult Evolution, SearchRow Row) Once(bool verify)
    {
        var clock = Stopwatch.StartNew();
        SearchResult evolution = Evolve(budget.Constraints);
        SearchRow row = SearchRow.Of(budget, "evolution", evolution, clock.Elapsed.TotalSeconds);
        LogFound(row, evolution);
        using StaticOfaNet net = measurement.Prepare(supernet, evolution.Best.Config);
        LatencySample? latency = verify ? NetworkLatency.Measure(table, net) : null;
        return (evolution, Export(net, row, latency));
    }

    /// <summary>
    /// Verified search under a latency budget: rounds of search and measurement (<see cref="MeasuredLatencyFit"/>)
    /// until a pick measures within the budget; the picks of earlier rounds are added to <paramref name="earlierRounds"/>
    /// with their measured latency, the last one is exported, verified.
    /// </summary>
    public (SearchResult Evolution, SearchRow Row) FitMeasuredLatency(double budgetMs, List<SearchRow> earlierRounds)
    {
        StaticOfaNet? net = null;
        LatencySample? latency = null;
        try
        {
            double Measure(Candidate pick)
            {
                net?.Dispose();
                net = measurement.Prepare(supernet, pick.Config);
                latency = NetworkLatency.Measure(table, net);
                return latency.MedianMs;
            }
            SearchRow RoundRow(FitRound round) => SearchRow.Of(budget, "evolution", round.Result, round.SearchSeconds) with
            {
                Round = round.Round,
                LatencyLimitMs = Math.Round(round.LimitMs, 4),
                MeasuredLatencyMs = Math.Round(round.MeasuredMs, 4),
                WithinBudget = round.MeasuredMs <= budgetMs,
            };
            void Log(FitRound round)
            {
                SearchRow row = RoundRow(round);
                LogFound(row, round.Result);
                context.Logger.LogInformation("Budget {Budget} round {Round}: the pick measures {Measured:F3} ms (predicted {Predicted:F3}, budget {BudgetMs:F3}){Verdict}",
                    budget.Name, round.Round, round.MeasuredMs, row.PredictedLatencyMs, budgetMs,
                    round.MeasuredMs <= budgetMs ? ": within" : round.Round < config.LatencyRounds ? ": over, searching again under a lower predicted limit" : ": over, and no rounds are left");
            }

            MeasuredFit fit = MeasuredLatencyFit.Run(budgetMs, config.LatencyRounds,
                limit => Evolve(budget.Constraints with { MaxLatencyMs = limit }), Measure, Log);
            earlierRounds.AddRange(fit.Rounds.SkipLast(1).Select(RoundRow));
            if (!fit.WithinBudget)
                context.Logger.LogWarning("Budget {Budget}: the exported network measures {Measured:F3} ms, over the budget of {BudgetMs:F3} ms, after {Rounds} round(s): {Why}",
                    budget.Name, fit.Final.MeasuredMs, budgetMs, fit.Rounds.Count,
                    fit.Rounds.Count < config.LatencyRounds ? "the next, lower limit is below every sub-network" : "no rounds left (config 'latencyRounds')");
            return (fit.Final.Result, Export(net!, RoundRow(fit.Final), latency));
        }
        finally
        {
            net?.Dispose();
        }
    }

    private SearchResult Evolve(SearchConstraints constraints) => EvolutionFinder.Search(space, scorer, constraints, config.Evolution, (ulong)config.Seed);

    private void LogFound(SearchRow row, SearchResult evolution) =>
        context.Logger.LogInformation("Budget {Budget} ({Constraints}): evolution found {Arch} in {Seconds:F1} s ({Evaluations} evaluations): predicted top-1 {Top1:F2} %, {Latency:F3} ms",
            budget.Name, row.Round > 1 && row.LatencyLimitMs is double limit
                ? string.Create(CultureInfo.InvariantCulture, $"{budget.Constraints}, predicted limit {limit:0.###} ms") : budget.Constraints.ToString(),
            row.Arch, row.SearchSeconds, evolution.Evaluations, row.PredictedTop1, row.PredictedLatencyMs);

    /// <summary>Writes the prepared network's directory; verified (a latency measured by the caller): with that latency and its accuracies.</summary>
    private SearchRow Export(StaticOfaNet net, SearchRow row, LatencySample? latency)
    {
        row = row with { Exported = ExportDirectory };
        var provenance = new JsonObject
        {
            ["supernet"] = Path.GetFullPath(config.Supernet),
            ["supernetSha256"] = AtomicFile.Sha256Hex(config.Supernet),
            ["recalibration"] = measurement.Provenance(),
            ["device"] = table.Metadata.Profile.Name,
            ["budget"] = new JsonObject { ["name"] = budget.Name, ["latencyMs"] = budget.LatencyMs, ["latencyShare"] = budget.LatencyShare, ["macs"] = budget.Macs, ["params"] = budget.Params },
            ["searchRound"] = row.Round,
            ["predictedTop1"] = row.PredictedTop1,
            ["predictedLatencyMs"] = row.PredictedLatencyMs,
            ["searchSeed"] = config.Seed,
        };
        if (latency is not null)
        {
            EvaluationResult val = measurement.Evaluate(net, measurement.Data.Validation);
            EvaluationResult test = measurement.Evaluate(net, measurement.Data.Test);
            // The exported network itself is timed, with its trained weights (the table was built with random
            // ones), at the table's speed unit so that it compares with the prediction on a machine whose speed drifts.
            row = row with
            {
                MeasuredLatencyMs = Math.Round(latency.MedianMs, 4),
                MeasuredRawLatencyMs = Math.Round(latency.RawMedianMs, 4),
                WithinBudget = budget.LatencyMs is double budgetMs ? latency.MedianMs <= budgetMs : null,
                MeasuredTestTop1 = Math.Round(test.Top1, 4),
                MeasuredValidationTop1 = Math.Round(val.Top1, 4),
            };
            provenance["validationTop1"] = row.MeasuredValidationTop1;
            provenance["testTop1"] = row.MeasuredTestTop1;
            provenance["measuredLatencyMs"] = row.MeasuredLatencyMs;
            provenance["measuredRawLatencyMs"] = row.MeasuredRawLatencyMs;
            context.Logger.LogInformation("Verified {Budget}: latency {Measured:F3} ms at the table's speed ({Raw:F3} ms as timed; predicted {Predicted:F3}), test top-1 {Test:F2} % (predicted {PredictedTop1:F2} on validation)",
                budget.Name, latency.MedianMs, latency.RawMedianMs, row.PredictedLatencyMs, test.Top1, row.PredictedTop1);
        }
        net.cpu();
        SubnetExport.Write(ExportDirectory, net, measurement.Data.Normalization.ToInputJson("fashion-mnist"), provenance);
        return row;
    }
}
