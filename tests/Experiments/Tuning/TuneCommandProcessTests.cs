using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;

namespace NasPrune.Tests.Experiments.Tuning;

public sealed class TuneCommandProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void TwoWorkerProcessesShareOneStudyAndWriteTheReport()
    {
        string data = TinyRun.WriteData(_temp);
        string baseConfig = _temp.File("base.json");
        File.WriteAllText(baseConfig, RunConfigJson.Serialize(TinyRun.Config(data, epochs: 1, trainImages: 32)));
        string folder = _temp.File("study");
        var config = new JsonObject
        {
            ["name"] = "tiny",
            ["baseConfig"] = baseConfig,
            ["directory"] = folder,
            ["trials"] = 6,
            ["sampler"] = "tpe",
            ["pruner"] = "median",
            ["startupTrials"] = 2,
            ["parameters"] = new JsonArray(new JsonObject { ["name"] = "lr", ["path"] = "training.lr", ["type"] = "float", ["low"] = 0.01, ["high"] = 0.2, ["log"] = true }),
        };
        string configPath = _temp.File("tune.json");
        File.WriteAllText(configPath, config.ToJsonString());

        var (code, output) = NasPruneProcess.Run("tune", "--config", configPath, "--workers", "2");
        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(folder, "trials.csv")));
        Assert.True(File.Exists(Path.Combine(folder, "tune.png")));
        using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "study.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT number), SUM(state = 'Running') FROM trials";
        using var reader = command.ExecuteReader();
        reader.Read();
        Assert.Equal(6, reader.GetInt64(0));
        Assert.Equal(6, reader.GetInt64(1));
        Assert.Equal(0, reader.GetInt64(2));
        Assert.Contains("best validation top-1", output);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }
}
