using System.Text.Json.Nodes;
using NasPrune.Experiments.Search;
using NasPrune.LatencyTables.Devices;
using NasPrune.LatencyTables.Tables;
using NasPrune.Predictors.Accuracy;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Serialization;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;

namespace NasPrune.Tests.Experiments;

/// <summary>`nasprune search --verify` end to end on a tiny supernet, table and predictor: the README's first command's last step.</summary>
public sealed class SearchCommandProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    /// <summary>
    /// A table whose operators cost 100 ms predicts every network far slower than it runs: the first pick is within
    /// its budget. One whose operators cost 10 ns predicts far faster: the first pick measures over, the second
    /// round's lowered limit is below every network, and the pick is exported with a warning that it is over.
    /// </summary>
    [Theory]
    [InlineData(100.0, true)]
    [InlineData(1e-5, false)]
    public void AVerifiedSearchExportsANetworkPerBudgetWithItsMeasuredLatencyAtTheTablesSpeed(double operatorMs, bool within)
    {
        var (supernet, data) = TinySupernetFiles.Write(_temp, seed: 5);
        var profile = new DeviceProfile { Name = "test-cpu", Threads = 1, BatchSize = 1, Warmup = 0, Repeats = 4, Rounds = 2 };
        string device = SyntheticLatencyTable.WriteDevice(_temp, profile);
        string lut = _temp.File("lut.csv");
        // A synthetic finished table (building a real one is tested elsewhere), with a speed unit, so --verify scales to it.
        var random = new Random(2);
        CsvTable.Write(lut, SyntheticLatencyTable.Rows(TinySpace.Space, profile, () => operatorMs * (0.5 + random.NextDouble()), referenceMs: 1.0));
        var metadata = new LutMetadata(TinySpace.Space, profile, new LutCalibration(1.2, TinySpace.Space.Resolutions.ToDictionary(r => r, _ => 0.0)), 0, 28,
            new TableSpeed(TableSpeed.ReferenceOf(TinySpace.Space).ToString(), 1.0));
        metadata.Write(lut);
        LatencyTable table = LatencyTable.Read(lut);
        double budget = 0.5 * (table.PredictMs(SubnetConfig.Smallest(TinySpace.Space)) + table.PredictMs(SubnetConfig.Largest(TinySpace.Space)));
        string predictor = _temp.File("predictor.npta");
        var samples = Enumerable.Range(0, 60).Select(i => SubnetSampler.Sample(TinySpace.Space, (ulong)i))
            .Select(c => (c, 80.0 + 0.1 * c.Depths.Sum() + 0.05 * c.Resolution)).ToList();
        var (fitted, _) = PredictorTraining.Fit(TinySpace.Space, samples, new PredictorTrainingOptions { Seed = 1, MaxEpochs = 20, Patience = 5 });
        using (fitted) fitted.Save(predictor);

        string export = _temp.File("search");
        string config = _temp.File("search.json");
        File.WriteAllText(config, new JsonObject
        {
            ["device"] = device, ["lut"] = lut, ["predictor"] = predictor, ["supernet"] = supernet,
            ["budgets"] = new JsonArray(new JsonObject { ["name"] = "half", ["latencyShare"] = 0.5 }),
            ["evolution"] = new JsonObject { ["population"] = 10, ["generations"] = 3, ["maxDraws"] = 500 },
            ["randomBaseline"] = false, ["seed"] = 0, ["exportDir"] = export, ["recalibrationImages"] = 40, ["dataRoot"] = data,
        }.ToJsonString());

        var (code, text) = NasPruneProcess.Run("search", "--config", config, "--verify");
        Assert.True(code == 0, text);
        SearchRow row = Assert.Single(CsvTable.Read<SearchRow>(Path.Combine(export, "search.csv")));
        Assert.Equal(("evolution", 1), (row.Strategy, row.Round));
        Assert.Equal(Math.Round(budget, 4), row.LatencyLimitMs);
        Assert.True(row.PredictedLatencyMs <= budget + 1e-4, "the pick respects its budget in the table");
        double measured = row.MeasuredLatencyMs ?? 0;
        Assert.True(measured > 0 && row.MeasuredRawLatencyMs > 0, row.ToString());
        Assert.Equal(within, row.WithinBudget);
        Assert.Equal(within, measured <= budget);
        Assert.Equal(!within, text.Contains("over the budget", StringComparison.Ordinal));
        Assert.NotNull(row.MeasuredTestTop1);

        JsonObject arch = JsonNode.Parse(File.ReadAllText(Path.Combine(export, "half", SubnetExport.ArchFile)))!.AsObject();
        Assert.Equal(row.Arch, SubnetConfig.ParseAny(TinySpace.Space, arch["config"]!.ToJsonString()).ToString());
        Assert.Equal(measured, arch["provenance"]!["measuredLatencyMs"]!.GetValue<double>());
        Assert.True(File.Exists(Path.Combine(export, "search-front.png")));
    }

    public void Dispose() => _temp.Dispose();
}
