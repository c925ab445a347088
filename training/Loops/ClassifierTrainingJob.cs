using Microsoft.Extensions.Logging;
using NasPrune.Training.Configuration;
using NasPrune.Training.Hosting;
using NasPrune.Training.Runs;

namespace NasPrune.Training.Loops;

/// <summary>Adapts <see cref="ClassifierTrainer"/> to the host's <see cref="IRunJob"/>.</summary>
public sealed class ClassifierTrainingJob(RunConfig config, RunDirectory run, ILogger<ClassifierTrainer> logger, ITrainingProgress? progress = null)
    : IRunJob
{
    public TrainingOutcome Run(CancellationToken cancellation) => new ClassifierTrainer(config, run, logger, progress).Run(cancellation);
}
