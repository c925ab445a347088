using NasPrune.Supernet.Ofa;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;

namespace NasPrune.Tests.Experiments;

/// <summary><c>nasprune predictor data</c> is a job of hours: a rerun must continue where it stopped.</summary>
public sealed class PredictorCommandProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void ARerunContinuesTheSameSampleWithoutRedoingRowsAndAnotherSeedIsRefused()
    {
        var (supernet, data) = TinySupernetFiles.Write(_temp, seed: 9);
        string csv = _temp.File("predictor/data.csv");
        string[] Args(int count, int seed) =>
            ["predictor", "data", "--supernet", supernet, "--out", csv, "--count", count.ToString(), "--seed", seed.ToString(),
             "--recalibrate", "40", "--validation-images", "40", "--data-root", data, "--threads", "1"];

        var (code, text) = NasPruneProcess.Run(Args(3, 0));
        Assert.True(code == 0, text);
        string[] first = File.ReadAllLines(csv);
        Assert.Equal(1 + 3, first.Length);

        (code, text) = NasPruneProcess.Run(Args(5, 0));
        Assert.True(code == 0, text);
        string[] second = File.ReadAllLines(csv);
        Assert.Equal(1 + 5, second.Length);
        Assert.Equal(first, second.Take(first.Length));
        Assert.Equal(SubnetConfig.Largest(TinySpace.Space).ToString(), second[1].Split(',')[0]);
        Assert.Equal(5, second.Skip(1).Select(l => l.Split(',')[0]).Distinct().Count());

        (code, text) = NasPruneProcess.Run(Args(6, 1));
        Assert.Equal(2, code);
        Assert.Contains("--seed", text);
        Assert.Single(text.Trim().Split('\n'));
        Assert.Equal(second, File.ReadAllLines(csv));
    }

    public void Dispose() => _temp.Dispose();
}
