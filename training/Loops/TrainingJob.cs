using Microsoft.Extensions.Logging;
using NasPrune.Training.Configuration;
using NasPrune.Training.Hosting;
using NasPrune.Training.Runs;

namespace NasPrune.Training.Loops;

/// <summary>Adapts <see cref="RunTrainer"/> to the host's <see cref="IRunJob"/>.</summary>
public sealed class TrainingJob(RunConfig config, RunDirectory run, ILogger<RunTrainer> logger, ITrainingProgress? progress = null, IRunReports? reports = null,
    string? stopAfterPhase = null) : IRunJob
{
    public TrainingOutcome Run(CancellationToken cancellation) =>
        new RunTrainer(config, run, logger, progress, reports, stopAfterPhase: stopAfterPhase).Run(cancellation);
}
