using Microsoft.Extensions.Logging.Abstractions;
using NasPrune.Experiments.Tuning;
using NasPrune.Search.Tuning;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;

namespace NasPrune.Tests.Experiments.Tuning;

public sealed class TuneWorkerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void TrialsTrainWithTheirParametersAndTheStudyIsReportedAndResumable()
    {
        string data = TinyRun.WriteData(_temp);
        string baseConfig = _temp.File("base.json");
        File.WriteAllText(baseConfig, RunConfigJson.Serialize(TinyRun.Config(data, epochs: 2)));
        var config = new TuneConfig
        {
            Name = "tiny-tune",
            BaseConfig = baseConfig,
            Directory = _temp.File("study"),
            Trials = 4,
            Sampler = "random",
            Pruner = "none",
            Parameters =
            [
                new TuneParameter { Name = "lr", Path = "training.lr", Type = "float", Low = 0.01, High = 0.2, Log = true },
                new TuneParameter { Name = "ls", Path = "training.labelSmoothing", Type = "categorical", Choices = ["0", "0.1"] },
            ],
        };
        Directory.CreateDirectory(config.Directory);
        new TuneWorker(config, NullLogger.Instance, threads: 1).Run(CancellationToken.None);

        using var storage = new SqliteStorage(Path.Combine(config.Directory, TuneWorker.StudyFile));
        IReadOnlyList<FrozenTrial> trials = storage.Trials();
        Assert.Equal(4, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.All(trials, t => Assert.Equal(2, t.Intermediate.Count)); // one report per epoch
        foreach (FrozenTrial t in trials)
        {
            RunConfig stored = RunConfigJson.Deserialize(File.ReadAllText(Path.Combine(config.Directory, $"trial-{t.Number:D4}", "config.json")), "trial");
            Assert.Equal(t.Params["lr"], stored.Training.Lr, 12);
            Assert.Equal(t.Params["ls"] == 0 ? 0.0 : 0.1, stored.Training.LabelSmoothing);
            Assert.Equal(t.Intermediate[2], t.Value);
        }
        var (rows, saved) = TuneReport.Write(config, trials, epochsPerTrial: 2);
        Assert.Equal(4, rows.Count);
        Assert.Equal(0, saved);
        Assert.True(File.Exists(Path.Combine(config.Directory, "tune.png")));

        // A full study does nothing more when run again.
        new TuneWorker(config, NullLogger.Instance, threads: 1).Run(CancellationToken.None);
        Assert.Equal(4, storage.Trials().Count);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }
}
