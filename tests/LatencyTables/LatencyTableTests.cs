using NasPrune.LatencyTables.Devices;
using NasPrune.LatencyTables.Operators;
using NasPrune.LatencyTables.Tables;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Serialization;
using NasPrune.Experiments.Cli;
using NasPrune.LatencyTables.Checks;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;

namespace NasPrune.Tests.LatencyTables;

public sealed class LatencyTableTests : IDisposable
{
    private readonly TempFolder _temp = new();

    /// <summary>A small space so a real build takes a second: two resolutions, two kernels, two expand ratios, width 0.25.</summary>
    private static readonly OfaSearchSpace Small = OfaSearchSpace.Default(0.25) with { Resolutions = [20, 24], Kernels = [3, 5], ExpandRatios = [3, 4] };

    private static readonly DeviceProfile Profile = new() { Name = "test-cpu", Threads = 1, BatchSize = 1, Warmup = 0, Repeats = 4, Rounds = 2 };

    [Fact]
    public void PredictedLatencyIsTheScaledSumOfItsOperatorsPlusTheConstantOfItsResolution()
    {
        OfaSearchSpace space = OfaSearchSpace.Default(0.5);
        var random = new Random(3);
        var rows = SyntheticLatencyTable.Rows(space, Profile, random.NextDouble);
        var medians = rows.ToDictionary(r => r.Key, r => r.MedianMs);
        var constants = space.Resolutions.ToDictionary(r => r, r => r / 100.0); // 0.20 ms at r20 ... 0.32 ms at r32
        var table = new LatencyTable(rows, new LutMetadata(space, Profile, new LutCalibration(1.5, constants), 20, 28));
        var resolutions = new HashSet<int>();
        for (int i = 0; i < 50; i++)
        {
            SubnetConfig config = SubnetSampler.Sample(space, (ulong)i);
            double expected = 1.5 * LatencyOperators.Of(config).Sum(o => medians[o.Key]) + config.Resolution / 100.0;
            Assert.Equal(expected, table.PredictMs(config), 9);
            resolutions.Add(config.Resolution);
        }
        Assert.Equal(space.Resolutions.Count, resolutions.Count);
        var partial = new LatencyTable(rows.Where(r => !r.Key.StartsWith("head", StringComparison.Ordinal)), table.Metadata);
        var e = Assert.Throws<KeyNotFoundException>(() => partial.PredictMs(SubnetConfig.Largest(space)));
        Assert.Contains("head-i2", e.Message);
    }

    [Fact]
    public void ABuildStoppedHalfWayResumesWithoutRemeasuringOrDuplicating()
    {
        string path = _temp.File("lut.csv");
        int total = LatencyOperators.All(Small).Count;
        using (var stop = new CancellationTokenSource())
        {
            var progress = new SynchronousProgress<LutProgress>(p => { if (p.Done == 5) stop.Cancel(); }); // the group in flight is finished and kept
            Assert.Null(new LutBuilder(Small, Profile).Build(path, progress, stop.Token));
        }
        Assert.Equal(LutBuilder.GroupSize, CsvTable.Read<LutRow>(path).Count);
        Assert.Null(LutMetadata.Read(path));
        Assert.Throws<InvalidDataException>(() => LatencyTable.Read(path)); // not finished yet

        var measured = new List<string>();
        LatencyTable table = new LutBuilder(Small, Profile).Build(path, new SynchronousProgress<LutProgress>(p => measured.Add(p.Key)))!;
        Assert.Equal(total - LutBuilder.GroupSize, measured.Count);
        List<LutRow> rows = CsvTable.Read<LutRow>(path);
        Assert.Equal(total, rows.Select(r => r.Key).Distinct().Count());
        Assert.Equal(total, rows.Count);
        Assert.All(rows, r => Assert.True(r.MedianMs > 0 && r.P10Ms <= r.MedianMs && r.MedianMs <= r.P90Ms, r.Key));

        LatencyTable reread = LatencyTable.Read(path);
        Assert.Equal(Small.Resolutions.Order(), reread.Metadata.Calibration.ConstantsMs.Keys.Order()); // one constant per resolution
        Assert.True(reread.Metadata.Calibration.OperatorScale > 0);
        Assert.Equal(table.Metadata.Calibration.OperatorScale, reread.Metadata.Calibration.OperatorScale);
        Assert.Equal(LutBuilder.FitNetworksPerResolution * Small.Resolutions.Count, reread.Metadata.FitNetworks);
        foreach (int resolution in Small.Resolutions)
        {
            SubnetConfig config = SubnetSampler.Sample(Small, 1).WithResolution(resolution);
            Assert.Equal(table.PredictMs(config), reread.PredictMs(config), 9);
        }
        Assert.True(reread.Covers(Small));

        // Every row and the metadata carry the one speed unit fixed when the build first started.
        double unit = Assert.Single(rows.Select(r => r.ReferenceMs).Distinct())!.Value;
        Assert.True(unit > 0);
        Assert.Equal(new TableSpeed(TableSpeed.ReferenceOf(Small).ToString(), unit), reread.Metadata.Speed);

        var other = Profile with { Repeats = 6 };
        Assert.Contains("another device profile", Assert.Throws<InvalidDataException>(() => new LutBuilder(Small, other).Build(path)).Message);
    }

    [Fact]
    public void TheCalibrationRecoversTheScaleAndTheConstantOfEachResolution()
    {
        var random = new Random(5);
        var constants = new Dictionary<int, double> { [20] = 0.7, [24] = 0.3, [28] = -0.1 };
        var points = constants.Keys.SelectMany(r => Enumerable.Range(0, 6).Select(_ => 2 + 3 * random.NextDouble()))
            .Select((sum, i) => (sum, r: constants.Keys.ElementAt(i / 6)))
            .Select(p => new CalibrationPoint(p.r, p.sum, 1.4 * p.sum + constants[p.r])).ToList();
        LutCalibration fit = LutCalibration.Fit(points);
        Assert.Equal(1.4, fit.OperatorScale, 9);
        foreach (var (r, c) in constants) Assert.Equal(c, fit.ConstantsMs[r], 9);
        Assert.Equal(1.4 * 3 + 0.3, fit.PredictMs(3, 24), 9);
        Assert.Contains("no constant for resolution 32", Assert.Throws<KeyNotFoundException>(() => fit.PredictMs(3, 32)).Message);
    }

    [Fact]
    public void WithoutASpreadOfSizesOrWithANonsenseSlopeTheScaleStaysOne()
    {
        // Every network of a resolution has the same operator sum: no slope to fit; constants are the mean residuals.
        LutCalibration flat = LutCalibration.Fit([new(20, 3, 5), new(20, 3, 6), new(24, 4, 5)]);
        Assert.Equal(1.0, flat.OperatorScale);
        Assert.Equal(2.5, flat.ConstantsMs[20], 9);
        Assert.Equal(1.0, flat.ConstantsMs[24], 9);
        // Bigger networks measured faster (noise): a negative scale would rank networks backwards.
        LutCalibration backwards = LutCalibration.Fit([new(20, 2, 6), new(20, 4, 5)]);
        Assert.Equal(1.0, backwards.OperatorScale);
        Assert.Equal(2.5, backwards.ConstantsMs[20], 9);
        Assert.Throws<ArgumentException>(() => LutCalibration.Fit([]));
    }

    [Fact]
    public void TheCheckTimesTheNetworksItIsGivenInsteadOfRandomOnes()
    {
        OfaSearchSpace space = TinySpace.Space;
        var rows = SyntheticLatencyTable.Rows(space, Profile);
        var table = new LatencyTable(rows, new LutMetadata(space, Profile, LutCalibration.Unscaled(space.Resolutions.ToDictionary(r => r, _ => 0.1)), 0, 28));
        using var supernet = ExtractionTests.Perturbed(4);
        var built = new List<SubnetConfig>();
        var checkedRows = LatencyCheck.Run(table, networks: 3, network: config =>
        {
            built.Add(config);
            return SubnetExtractor.Extract(supernet, config);
        });
        Assert.Equal(3, checkedRows.Count);
        Assert.Equal(3 * Profile.Rounds, built.Count); // each network is built once per measuring round
        Assert.Equal(checkedRows.Select(r => r.Arch), built.Take(3).Select(c => c.ToString()));
        Assert.All(checkedRows, r => Assert.True(r.MeasuredMs > 0));
    }

    [Fact]
    public void AnUnfinishedTableOfAnEarlierVersionIsNotResumedWithAnotherUnit()
    {
        string path = _temp.File("early.csv");
        CsvTable.Write(path, SyntheticLatencyTable.Rows(Small, Profile).Take(3).ToList());
        var e = Assert.Throws<InvalidDataException>(() => new LutBuilder(Small, Profile).Build(path));
        Assert.Contains("without a speed reference", e.Message);
        Assert.Equal(3, CsvTable.Read<LutRow>(path).Count); // untouched
    }

    [Fact]
    public void TablesOfEarlierFormatsReadWithoutAScale()
    {
        string path = _temp.File("unscaled.csv");
        var rows = SyntheticLatencyTable.Rows(Small, Profile);
        CsvTable.Write(path, rows);
        new LutMetadata(Small, Profile, new LutCalibration(2.0, Small.Resolutions.ToDictionary(r => r, r => r / 100.0)), 10, 28).Write(path);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(LutMetadata.PathFor(path)))!.AsObject();
        json["format"] = "nasprune-lut/2";
        json.Remove("operatorScale");
        File.WriteAllText(LutMetadata.PathFor(path), json.ToJsonString());
        LatencyTable table = LatencyTable.Read(path);
        Assert.Equal(1.0, table.Metadata.Calibration.OperatorScale);
        SubnetConfig config = SubnetSampler.Sample(Small, 4);
        Assert.Equal(LatencyOperators.Of(config).Count * 0.01 + config.Resolution / 100.0, table.PredictMs(config), 9);
    }

    [Fact]
    public void ATableOfTheFirstFormatReadsWithItsOneConstantForEveryResolution()
    {
        string path = _temp.File("old.csv");
        var rows = SyntheticLatencyTable.Rows(Small, Profile);
        CsvTable.Write(path, rows);
        new LutMetadata(Small, Profile, LutCalibration.Unscaled(Small.Resolutions.ToDictionary(r => r, _ => 0.5)), 10, 28).Write(path);
        // Rewrite it as a first-format file: one "constantMs" instead of "constantsMs".
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(LutMetadata.PathFor(path)))!.AsObject();
        json["format"] = "nasprune-lut/1";
        json.Remove("constantsMs");
        json["constantMs"] = 0.375;
        File.WriteAllText(LutMetadata.PathFor(path), json.ToJsonString());

        LatencyTable table = LatencyTable.Read(path);
        foreach (int resolution in Small.Resolutions)
        {
            SubnetConfig config = SubnetSampler.Sample(Small, 2).WithResolution(resolution);
            Assert.Equal(LatencyOperators.Of(config).Count * 0.01 + 0.375, table.PredictMs(config), 9);
        }
        json["format"] = "something-else";
        File.WriteAllText(LutMetadata.PathFor(path), json.ToJsonString());
        Assert.Contains("not a latency-table metadata file", Assert.Throws<InvalidDataException>(() => LatencyTable.Read(path)).Message);
    }

    public void Dispose() => _temp.Dispose();
}
