using NasPrune.Experiments.Reports;
using NasPrune.Tests.TestSupport;

namespace NasPrune.Tests.Experiments.Reports;

/// <summary>result.json in the shapes the tasks write: a classifier, a TAS run, a sparse run, progressive shrinking.</summary>
public sealed class RunComparisonTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string Run(string name, string json)
    {
        string dir = _temp.File(name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "result.json"), json);
        return dir;
    }

    private string Tas() => Run("tas", """
        { "arch": "resnet20", "tasArchitecture": "w8-16 d2", "macsPerImage": 15000000, "parameters": 150000,
          "unpruned": { "macs": 40000000, "parameters": 270000, "test": { "top1": 92.5 } },
          "validation": { "top1": 92.4 }, "test": { "top1": 92.25 }, "trainingSeconds": 7200 }
        """);

    private string Sparse() => Run("dass", """
        { "arch": "darts-cells", "genotype": "normal: sep_conv_3x3:0\nreduce: max_pool_3x3:1", "macsPerImage": 20000000,
          "nonZeroMacsPerImage": 2000000, "parameters": 200000, "nonZeroParameters": 10000,
          "validation": { "top1": 90.0 }, "test": { "top1": 89.5 }, "trainingSeconds": 3600 }
        """);

    [Fact]
    public void EachTrainedNetworkIsARowWithItsDenseOrNonZeroCounts()
    {
        var rows = RunComparison.Rows([Tas(), Sparse()], baseline: null);

        Assert.Equal(["tas/unpruned", "tas", "dass"], rows.Select(r => r.Network));
        ComparisonRow unpruned = rows[0], tas = rows[1], dass = rows[2];
        Assert.Equal((92.5, 40_000_000L, 40_000_000L, 270_000L), (unpruned.TestTop1, unpruned.Macs, unpruned.NonZeroMacs, unpruned.Parameters));
        Assert.Null(unpruned.TrainingHours);
        Assert.Equal(("w8-16 d2", 15_000_000L, 2.0, 92.4), (tas.Architecture, tas.NonZeroMacs, tas.TrainingHours!.Value, tas.ValidationTop1!.Value));
        Assert.Equal((2_000_000L, 10_000L, 200_000L), (dass.NonZeroMacs, dass.NonZeroParameters, dass.Parameters));
        Assert.Equal("normal: sep_conv_3x3:0 reduce: max_pool_3x3:1", dass.Architecture);
        Assert.All(rows, r => Assert.Null(r.Top1Change));
    }

    [Fact]
    public void ThePictureIsAPngOfAccuracyAgainstNonZeroParameters()
    {
        string path = _temp.File("compare.png");
        RunComparison.WritePlot(path, RunComparison.Rows([Tas(), Sparse()], baseline: null));
        byte[] png = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        // 1100 x 700: the legend sits right of the data area (ScatterReport), so the picture is wider than it is tall.
        Assert.Equal((1100, 700), (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
    }

    [Fact]
    public void TheBaselineGivesAccuracyChangeAndSavedNonZeroMacs()
    {
        var rows = RunComparison.Rows([Tas(), Sparse()], baseline: "tas/unpruned");

        Assert.Equal([0.0, -0.25, -3.0], rows.Select(r => r.Top1Change!.Value));
        Assert.Equal([0.0, 0.625, 0.95], rows.Select(r => r.FewerMacs!.Value));
        string table = RunComparison.Markdown(rows);
        Assert.Contains("| tas | 92.25 | 92.40 | 15.00 | 150.0 | 15.00 | 150.0 | -0.25 | 62.5 % | 2.00 | `w8-16 d2` |", table);
    }

    [Fact]
    public void PipesInAnArchitectureAreEscapedSoEveryRowHasTheHeadersCells()
    {
        string darts = Run("darts", """
            { "arch": "darts-cells", "genotype": "normal: sep_conv_3x3:0 skip_connect:1 | max_pool_3x3:1 avg_pool_3x3:2\nreduce: max_pool_3x3:0 max_pool_3x3:1 | skip_connect:2 max_pool_3x3:1",
              "macsPerImage": 20000000, "parameters": 200000, "validation": { "top1": 90.0 }, "test": { "top1": 89.5 }, "trainingSeconds": 3600 }
            """);
        string table = RunComparison.Markdown(RunComparison.Rows([Tas(), darts], baseline: null));
        int Cells(string line) => System.Text.RegularExpressions.Regex.Matches(line, @"(?<!\\)\|").Count;
        var lines = table.TrimEnd().Split('\n');
        Assert.Equal(5, lines.Length); // header, rule, tas/unpruned, tas, darts
        Assert.All(lines, l => Assert.Equal(Cells(lines[0]), Cells(l)));
        Assert.Contains(@"`normal: sep_conv_3x3:0 skip_connect:1 \| max_pool_3x3:1 avg_pool_3x3:2 reduce: max_pool_3x3:0 max_pool_3x3:1 \| skip_connect:2 max_pool_3x3:1`", table);
    }

    [Fact]
    public void ProgressiveShrinkingGivesOneRowPerExportedSubnet()
    {
        string ps = Run("ps", """
            { "arch": "ofa-supernet", "trainingSeconds": 36000, "subnets": {
              "largest": { "arch": "r32-k77-e66", "macs": 18000000, "params": 1700000, "test": { "top1": 93.6 } },
              "smallest": { "arch": "r20-k33-e33", "macs": 2000000, "params": 550000, "test": { "top1": 91.2 } } } }
            """);

        var rows = RunComparison.Rows([ps], baseline: "ps/largest");

        Assert.Equal(["ps/largest", "ps/smallest"], rows.Select(r => r.Network));
        Assert.Equal((91.2, 2_000_000L, 550_000L, -2.4), (rows[1].TestTop1, rows[1].Macs, rows[1].Parameters, rows[1].Top1Change!.Value));
    }

    [Fact]
    public void UnfinishedRunsUnknownBaselinesAndNameClashesAreOneLineErrors()
    {
        string unfinished = _temp.File("unfinished");
        Directory.CreateDirectory(unfinished);
        var missing = Assert.Throws<FileNotFoundException>(() => RunComparison.Rows([unfinished], null));
        Assert.Contains("unfinished: no result.json", missing.Message);

        var baseline = Assert.Throws<ArgumentException>(() => RunComparison.Rows([Tas()], "resnet56"));
        Assert.Contains("--baseline: 'resnet56' is not one of the networks compared (tas/unpruned, tas)", baseline.Message);

        string noTest = Run("broken", """{ "arch": "resnet20", "macsPerImage": 1, "parameters": 1 }""");
        Assert.Contains("'broken' has no test.top1", Assert.Throws<InvalidDataException>(() => RunComparison.Rows([noTest], null)).Message);

        string tas = Tas();
        Assert.Contains("two runs give the network 'tas/unpruned'", Assert.Throws<ArgumentException>(() => RunComparison.Rows([tas, tas], null)).Message);
    }

    public void Dispose() => _temp.Dispose();
}
