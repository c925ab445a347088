using System.Text.RegularExpressions;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Serialization;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;

namespace NasPrune.Tests.Experiments;

/// <summary>Export in one process, load and evaluate in another, without the supernet.</summary>
public sealed class ExportCommandProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void AnExportedSubnetworkReproducesItsLogitsInANewProcess()
    {
        var (supernet, data) = Prepare();
        string arch = SubnetSampler.Sample(TinySpace.Space, 21).ToString();
        string output = _temp.File("subnet");

        var (code, text) = NasPruneProcess.Run("export", "--supernet", supernet, "--arch", arch, "--out", output,
            "--recalibrate", "40", "--measure", "--data-root", data, "--threads", "1");
        Assert.True(code == 0, text);
        Assert.True(File.Exists(Path.Combine(output, SubnetExport.ArchFile)));

        (code, text) = NasPruneProcess.Run("eval", "--model", output, "--data-root", data, "--threads", "1");
        Assert.True(code == 0, text);
        Assert.Contains("bit-identical", text);
        Assert.Contains(arch, text);
        Assert.Contains($"at batch {OptimizationConfig.DefaultEvalBatchSize} (", text);
        string top1 = Regex.Match(text, @"top-1 [0-9.]+ %").Value;
        Assert.StartsWith("top-1 ", top1);

        // The batch size changes how many images go through at once, not the figures.
        (code, text) = NasPruneProcess.Run("eval", "--model", output, "--data-root", data, "--threads", "1", "--batch-size", "7");
        Assert.True(code == 0, text);
        Assert.Contains("at batch 7 (", text);
        Assert.Contains(top1, text);
        // Each image's prediction, as a file two networks can be compared with (here against itself).
        string predictions = _temp.File("largest.csv");
        (code, text) = NasPruneProcess.Run("eval", "--model", output, "--data-root", data, "--threads", "1", "--predictions", predictions);
        Assert.True(code == 0, text);
        var rows = NasPrune.Experiments.Reports.PredictionsFile.Read(predictions);
        Assert.Equal(top1, $"top-1 {100.0 * rows.Count(r => r.Predicted == r.Label) / rows.Count:F2} %");
        File.Copy(predictions, _temp.File("again.csv"));
        (code, text) = NasPruneProcess.Run("compare-predictions", predictions, _temp.File("again.csv"));
        Assert.True(code == 0, text);
        Assert.True(text.Contains("| again | " + top1[6..^2] + " | 0.00 | 0.00 to 0.00 | 0 | 0 | 1 |"), text);
        (code, text) = NasPruneProcess.Run("eval", "--model", output, "--data-root", data, "--predictions", predictions, "--resolutions", "24");
        Assert.Equal(2, code);
        Assert.Equal("error: --predictions: not with --resolutions (it writes the predictions of one evaluation)", text.Trim());
        (code, text) = NasPruneProcess.Run("eval", "--model", output, "--data-root", data, "--batch-size", "0");
        Assert.Equal(2, code);
        Assert.Equal("error: --batch-size: 0 is not allowed; give 1 to 65536 images", text.Trim());

        // The same network at other resolutions, recalibrated at each, as a table.
        string table = _temp.File("resolutions.csv");
        (code, text) = NasPruneProcess.Run("eval", "--model", output, "--data-root", data, "--threads", "1",
            "--resolutions", "24,32", "--recalibrate", "40", "--csv", table);
        Assert.True(code == 0, text);
        Assert.Contains("at resolution 24", text);
        string[] lines = File.ReadAllLines(table);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Resolution,Top1,Top5,Loss,Images", lines[0]);
        Assert.StartsWith("24,", lines[1]);
        Assert.StartsWith("32,", lines[2]);
    }

    [Fact]
    public void DamagedOrForeignWeightsAreRefusedWithOneLine()
    {
        var (supernet, data) = Prepare();
        string a = _temp.File("a"), b = _temp.File("b");
        Assert.Equal(0, NasPruneProcess.Run("export", "--supernet", supernet, "--arch", SubnetConfig.Largest(TinySpace.Space).ToString(), "--out", a).ExitCode);
        Assert.Equal(0, NasPruneProcess.Run("export", "--supernet", supernet, "--arch", SubnetConfig.Smallest(TinySpace.Space).ToString(), "--out", b).ExitCode);

        // Weights of another architecture (with their own valid checksum) in a's directory.
        foreach (string file in new[] { SubnetExport.WeightsFile, SubnetExport.WeightsFile + AtomicFile.ChecksumSuffix })
            File.Copy(Path.Combine(b, file), Path.Combine(a, file), overwrite: true);
        var (code, text) = NasPruneProcess.Run("eval", "--model", a, "--data-root", data);
        Assert.Equal(2, code);
        Assert.Contains("weights.npta", text);
        Assert.Single(text.Trim().Split('\n'));

        // A flipped byte.
        string weights = Path.Combine(b, SubnetExport.WeightsFile);
        byte[] bytes = File.ReadAllBytes(weights);
        bytes[^3] ^= 1;
        File.WriteAllBytes(weights, bytes);
        (code, text) = NasPruneProcess.Run("eval", "--model", b, "--data-root", data);
        Assert.Equal(2, code);
        Assert.Contains("weights.npta", text);
    }

    [Fact]
    public void BadArchStringGivesOneLineNamingTheAllowedValues()
    {
        var (supernet, _) = Prepare();
        var (code, text) = NasPruneProcess.Run("export", "--supernet", supernet, "--arch", "r30-k33.33.33.33.33-e33.33.33.33.33", "--out", _temp.File("x"));
        Assert.Equal(2, code);
        Assert.Contains("20, 24, 28, 32", text);
        Assert.Single(text.Trim().Split('\n'));
    }

    private (string Supernet, string Data) Prepare() => TinySupernetFiles.Write(_temp, seed: 8);

    public void Dispose() => _temp.Dispose();
}
