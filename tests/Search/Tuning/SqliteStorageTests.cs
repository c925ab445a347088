using Microsoft.Data.Sqlite;
using NasPrune.Search.Tuning;
using NasPrune.Tests.TestSupport;

namespace NasPrune.Tests.Search.Tuning;

public sealed class SqliteStorageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void AStudyResumesFromItsFileWithEverythingItHad()
    {
        string path = _temp.File("study.db");
        using (var storage = new SqliteStorage(path))
        {
            var study = new Study(StudyDirection.Maximize, new TpeSampler(1), new MedianPruner(), storage);
            study.Optimize(t =>
            {
                double lr = t.SuggestFloat("lr", 1e-4, 1, log: true);
                t.Report(0, lr);
                return -Math.Abs(Math.Log10(lr) + 2) + t.SuggestInt("depth", 1, 3) + (t.SuggestCategorical("opt", ["sgd", "adam"]) == "sgd" ? 1 : 0);
            }, 12);
        }
        using var reopened = new SqliteStorage(path);
        IReadOnlyList<FrozenTrial> trials = reopened.Trials();
        Assert.Equal(Enumerable.Range(0, 12), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.All(trials, t => Assert.Equal(new FloatDistribution(1e-4, 1, true), t.Distributions["lr"]));
        Assert.All(trials, t => Assert.Equal(new CategoricalDistribution(["sgd", "adam"]), t.Distributions["opt"]));
        Assert.All(trials, t => Assert.Equal(t.Params["lr"], t.Intermediate[0]));
        var study2 = new Study(StudyDirection.Maximize, new TpeSampler(1), null, reopened);
        Assert.Equal(12, study2.Ask().Number);
    }

    [Fact]
    public void ATrialWhoseProcessDiedIsMarkedFailedNotLost()
    {
        string path = _temp.File("crash.db");
        using (var storage = new SqliteStorage(path))
        {
            new Study(StudyDirection.Minimize, new RandomSampler(1), null, storage).Ask().SuggestFloat("x", 0, 1);
        }
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE trials SET pid = 2147483000"; // a process that does not exist: the worker crashed
            command.ExecuteNonQuery();
        }
        using var reopened = new SqliteStorage(path);
        FrozenTrial trial = Assert.Single(reopened.Trials());
        Assert.Equal(TrialState.Failed, trial.State);
        Assert.True(trial.Params.ContainsKey("x"));
    }

    [Fact]
    public void TwoWorkersOnOneStudyNeverGetTheSameTrial()
    {
        string path = _temp.File("shared.db");
        using (new SqliteStorage(path)) { } // create the schema once
        var numbers = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 2, worker =>
        {
            using var storage = new SqliteStorage(path);
            var study = new Study(StudyDirection.Minimize, new RandomSampler((ulong)worker), null, storage);
            for (int i = 0; i < 40; i++)
            {
                Trial trial = study.Ask();
                numbers.Add(trial.Number);
                study.Tell(trial, trial.SuggestFloat("x", 0, 1));
            }
        });
        Assert.Equal(80, numbers.Distinct().Count());
        using var check = new SqliteStorage(path);
        Assert.Equal(80, check.Trials().Count(t => t.State == TrialState.Complete));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }
}
