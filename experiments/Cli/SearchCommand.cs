using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NasPrune.Experiments.Configuration;
using NasPrune.Experiments.Reports;
using NasPrune.Experiments.Search;
using NasPrune.LatencyTables.Devices;
using NasPrune.LatencyTables.Tables;
using NasPrune.Predictors.Accuracy;
using NasPrune.Search.Configuration;
using NasPrune.Search.Evolution;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Randomness;
using NasPrune.Supernet.Serialization;
using NasPrune.Training.Data;
using NasPrune.Training.Shrinking;
using Spectre.Console;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// <c>nasprune search --config FILE [--verify]</c>: for each budget, evolutionary search (and random search
/// with the same evaluations) over predicted accuracy under LUT latency / MACs / params; exports the
/// evolution's best as a BN-recalibrated sub-network directory (<see cref="BudgetSearch"/>); writes search.csv and
/// search-front.png. --verify measures each exported network's latency on the device and its test accuracy, and
/// searches a latency budget again while its pick measures over it.
/// </summary>
public static class SearchCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "search config (experiments/search/*.json)", Required = true };
        var verify = new Option<bool>("--verify") { Description = "measure the exported networks' latency and test accuracy" };
        var command = new Command("search", "Find and export a sub-network per budget for one device") { config, verify };
        command.SetAction(parse => CommandGuard.Run(() => Run(ConfigLoader.Load<SearchConfig>(parse.GetRequiredValue(config).FullName), parse.GetValue(verify))));
        return command;
    }

    private static int Run(SearchConfig config, bool verify)
    {
        DeviceProfile profile = LutCommand.LoadDevice(config.Device);
        LatencyTable table = LatencyTable.Read(config.Lut);
        if (table.Metadata.Profile.Hash() != profile.Hash())
            throw new ArgumentException($"config 'lut': '{config.Lut}' was measured with profile '{table.Metadata.Profile.Name}', not with 'device' ('{profile.Name}')");
        using var context = new CommandContext("search", profile.Device, profile.Threads, config.Seed);
        // Only --verify times anything; a search without it is a pure computation.
        using NeighbourWatch? neighbours = verify ? new NeighbourWatch(context.Logger, profile.Threads, "the verified search") : null;
        var (supernet, _) = SupernetFile.Read(config.Supernet);
        using var _supernet = supernet;
        OfaSearchSpace space = supernet.Space;
        if (!table.Covers(space)) throw new ArgumentException($"config 'lut': '{config.Lut}' was built for another search space than the supernet's");
        using AccuracyPredictor predictor = AccuracyPredictor.Load(config.Predictor, space);
        var scorer = new PredictorScorer(predictor, table);
        DataSplits data = FashionMnist.Load(FashionMnist.ResolveRoot(config.DataRoot));
        var measurement = new SubnetMeasurement(data, config.RecalibrationImages, (ulong)config.Seed, 250, context.Device);
        Directory.CreateDirectory(config.ExportDir);

        var rows = new List<SearchRow>();
        double smallestMs = scorer.Cost(SubnetConfig.Smallest(space)).LatencyMs, largestMs = scorer.Cost(SubnetConfig.Largest(space)).LatencyMs;
        context.Logger.LogInformation("Predicted latency on {Device}: smallest sub-network {Smallest:F3} ms, largest {Largest:F3} ms", profile.Name, smallestMs, largestMs);
        foreach (BudgetConfig budget in config.Budgets.Select(b => b.ResolveLatency(smallestMs, largestMs)))
        {
            var search = new BudgetSearch(supernet, space, scorer, table, config, measurement, budget, context);
            var (evolution, row) = verify && budget.Constraints.MaxLatencyMs is double budgetMs
                ? search.FitMeasuredLatency(budgetMs, rows)
                : search.Once(verify);
            rows.Add(row);
            if (config.RandomBaseline)
            {
                var clock = Stopwatch.StartNew();
                SearchResult random = RandomSearch.Search(space, scorer, budget.Constraints, config.Evolution, evolution.Evaluations, (ulong)config.Seed);
                rows.Add(SearchRow.Of(budget, "random", random, clock.Elapsed.TotalSeconds));
                context.Logger.LogInformation("Budget {Budget}: random search (same {Evaluations} evaluations) found predicted top-1 {Top1:F2} %",
                    budget.Name, random.Evaluations, random.Best.Objective);
            }
            if (config.TpeEvaluations > 0) rows.AddRange(CompareAtSmallBudget(space, scorer, budget, config, context));
        }
        string csv = Path.Combine(config.ExportDir, "search.csv");
        CsvTable.Write(csv, rows);
        WriteFront(config, space, scorer, rows);
        PrintTable(rows);
        context.Logger.LogInformation("Search results in {Csv}", csv);
        return 0;
    }

    /// <summary>Evolution, random and TPE search with the same (small) number of evaluations.</summary>
    private static IEnumerable<SearchRow> CompareAtSmallBudget(OfaSearchSpace space, PredictorScorer scorer, BudgetConfig budget, SearchConfig config, CommandContext context)
    {
        int n = config.TpeEvaluations;
        var options = config.Evolution with { Generations = Math.Max(1, n / config.Evolution.Population - 1) };
        var strategies = new (string Name, Func<SearchResult> Run)[]
        {
            ($"evolution@{n}", () => EvolutionFinder.Search(space, scorer, budget.Constraints, options, (ulong)config.Seed)),
            ($"random@{n}", () => RandomSearch.Search(space, scorer, budget.Constraints, config.Evolution, options.Evaluations, (ulong)config.Seed)),
            ($"tpe@{n}", () => TpeSearch.Search(space, scorer, budget.Constraints, options.Evaluations, (ulong)config.Seed)),
        };
        foreach (var (name, run) in strategies)
        {
            var clock = Stopwatch.StartNew();
            SearchResult result = run();
            context.Logger.LogInformation("Budget {Budget}: {Strategy} ({Evaluations} evaluations) found predicted top-1 {Top1:F2} % in {Seconds:F1} s",
                budget.Name, name, result.Evaluations, result.Best.Objective, clock.Elapsed.TotalSeconds);
            yield return SearchRow.Of(budget, name, result, clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>search-front.png: predicted accuracy vs predicted latency of random sub-networks, and the picks (<see cref="SearchFront"/>).</summary>
    private static void WriteFront(SearchConfig config, OfaSearchSpace space, PredictorScorer scorer, IReadOnlyList<SearchRow> rows)
    {
        var random = new SplitMix64((ulong)config.Seed ^ 0xF207);
        var background = Enumerable.Range(0, 1000).Select(_ => SubnetSampler.Sample(space, random)).ToList();
        double[] accuracy = scorer.Objective(background);
        var series = new List<ScatterSeries>
        {
            new("1,000 random sub-networks (predicted)", background.Select(c => scorer.Cost(c).LatencyMs).ToList(), accuracy, Background: true),
        };
        series.AddRange(SearchFront.PickSeries(rows));
        ScatterReport.Write(Path.Combine(config.ExportDir, "search-front.png"), "accuracy / latency front", "latency (ms)", "top-1 (%)", series);
    }

    private static void PrintTable(IReadOnlyList<SearchRow> rows)
    {
        var table = new Table().AddColumns("budget", "strategy", "round", "arch", "pred. top-1", "pred. ms", "meas. ms", "test top-1", "MMACs", "search s");
        foreach (SearchRow r in rows)
            table.AddRow(r.Budget, r.Strategy, r.Round.ToString(CultureInfo.InvariantCulture), r.Arch, F(r.PredictedTop1), F(r.PredictedLatencyMs), F(r.MeasuredLatencyMs),
                F(r.MeasuredTestTop1), F(r.Macs / 1e6), F(r.SearchSeconds));
        if (Console.IsOutputRedirected || Console.WindowWidth < 200) AnsiConsole.Profile.Width = 240; // arch strings are long: do not wrap them
        AnsiConsole.Write(table);

        static string F(double? value) => value is double v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "-";
    }
}
