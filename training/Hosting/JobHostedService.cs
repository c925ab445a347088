using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NasPrune.Training.Loops;

namespace NasPrune.Training.Hosting;

/// <summary>
/// Runs one <see cref="IRunJob"/> on a dedicated thread as the host's background service. The host's
/// console lifetime turns SIGINT / SIGTERM into cancellation of the stopping token; the job finishes its
/// current step, checkpoints and returns, and then this service stops the application.
/// </summary>
public sealed class JobHostedService(IRunJob job, JobResult result, IHostApplicationLifetime lifetime, ILogger<JobHostedService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            TrainingOutcome outcome = await Task.Factory.StartNew(() => job.Run(stoppingToken), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
            logger.LogInformation("Job ended: {Outcome}", outcome);
            result.ExitCode = 0;
        }
        catch (TrainingDivergedException e)
        {
            logger.LogError("{Message}", e.Message);
            result.ExitCode = 3;
        }
        catch (Exception e) when (UserErrors.IsUserError(e))
        {
            logger.LogError("{Message}", e.Message);
            result.ExitCode = 2;
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "The job failed");
            result.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
