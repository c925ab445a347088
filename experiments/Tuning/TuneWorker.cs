using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Experiments.Configuration;
using NasPrune.Search.Tuning;
using NasPrune.Training.Configuration;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;

namespace NasPrune.Experiments.Tuning;

/// <summary>
/// One worker of a study: takes trials from the shared SQLite study until it is full, trains each as a
/// run (the base config with the trial's parameters), reports every epoch's validation top-1 to the
/// pruner and stops a run it prunes. A trial whose run fails is recorded as failed, and the worker goes on.
/// </summary>
public sealed class TuneWorker(TuneConfig config, ILogger logger, int threads)
{
    public const string StudyFile = "study.db";

    public static Study OpenStudy(TuneConfig config, IStudyStorage storage)
    {
        ISampler sampler = config.Sampler == "tpe" ? new TpeSampler((ulong)config.Seed, config.StartupTrials) : new RandomSampler((ulong)config.Seed);
        IPruner? pruner = config.Pruner switch
        {
            "median" => new MedianPruner(config.StartupTrials),
            "successive-halving" => new SuccessiveHalvingPruner(),
            _ => null,
        };
        return new Study(StudyDirection.Maximize, sampler, pruner, storage);
    }

    public void Run(CancellationToken cancellation)
    {
        using var storage = new SqliteStorage(Path.Combine(config.Directory, StudyFile));
        Study study = OpenStudy(config, storage);
        string baseJson = File.ReadAllText(config.BaseConfig);
        while (!cancellation.IsCancellationRequested && study.TryAsk(config.Trials) is Trial trial)
        {
            RunConfig run = TrialConfig(trial, baseJson);
            var directory = new RunDirectory(Path.Combine(config.Directory, $"trial-{trial.Number:D4}"));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var observer = new PruningObserver(trial, stop);
            try
            {
                TrainingOutcome outcome = new RunTrainer(run, directory, logger, validations: observer).Run(stop.Token);
                if (observer.Pruned) study.TellPruned(trial);
                else if (outcome == TrainingOutcome.Completed && trial.LastValue is double value) study.Tell(trial, value);
                else study.TellFailed(trial);
                logger.LogInformation("Trial {Number}: {State} at {Value:F2} %", trial.Number, observer.Pruned ? "pruned" : outcome.ToString().ToLowerInvariant(), trial.LastValue ?? double.NaN);
            }
            // As in Optuna, a trial that fails (bad parameters, unreadable files, an error raised inside libtorch)
            // is recorded as failed and the study goes on; only programming errors stop the worker.
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or ConfigException or System.Runtime.InteropServices.ExternalException)
            {
                study.TellFailed(trial);
                logger.LogWarning("Trial {Number} failed: {Reason}", trial.Number, e.Message.Split('\n')[0]);
            }
        }
    }

    private RunConfig TrialConfig(Trial trial, string baseJson)
    {
        JsonObject json = JsonNode.Parse(baseJson)!.AsObject();
        foreach (TuneParameter p in config.Parameters)
        {
            JsonNode value = p.Type switch
            {
                "float" => JsonValue.Create(trial.SuggestFloat(p.Name, p.Low, p.High, p.Log)),
                "int" => JsonValue.Create(trial.SuggestInt(p.Name, (int)p.Low, (int)p.High, p.Log)),
                _ => ConfigPatch.Value(trial.SuggestCategorical(p.Name, p.Choices)),
            };
            ConfigPatch.Set(json, p.Path, value);
        }
        json["name"] = $"{config.Name}-trial-{trial.Number}";
        json["threads"] = threads;
        return ConfigLoader.LoadFromJson<RunConfig>(json.ToJsonString(), $"trial {trial.Number} of {config.BaseConfig}");
    }

    /// <summary>Reports each epoch's validation top-1 and stops the run when the pruner says so.</summary>
    private sealed class PruningObserver(Trial trial, CancellationTokenSource stop) : IValidationObserver
    {
        public bool Pruned { get; private set; }

        public void Validated(string phase, int epoch, EvaluationResult result)
        {
            trial.Report(epoch, result.Top1);
            if (!Pruned && trial.ShouldPrune())
            {
                Pruned = true;
                stop.Cancel();
            }
        }
    }
}
