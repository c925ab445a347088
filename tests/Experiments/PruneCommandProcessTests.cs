using NasPrune.Tests.TestSupport;

namespace NasPrune.Tests.Experiments;

/// <summary><c>nasprune prune</c> as a real process: a config without a pruning section is refused before anything is written.</summary>
public sealed class PruneCommandProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void AConfigWithoutPruningGivesOneLineExitTwoAndWritesNothing()
    {
        string configPath = _temp.File("plain.json");
        File.WriteAllText(configPath, """{ "model": { "arch": "resnet20" } }""");
        string runDir = _temp.File("run");
        var (code, output) = NasPruneProcess.Run("prune", "--config", configPath, "--run-dir", runDir);
        Assert.Equal(2, code);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines);
        Assert.Contains("'pruning' is required", lines[0]);
        Assert.False(Directory.Exists(runDir));
    }

    public void Dispose() => _temp.Dispose();
}
