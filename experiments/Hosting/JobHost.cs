using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NasPrune.Experiments.Logging;
using NasPrune.Training.Hosting;
using Serilog;

namespace NasPrune.Experiments.Hosting;

/// <summary>
/// Builds the Generic Host that runs one job: Serilog (console + the run's log file), the console
/// lifetime (SIGINT / SIGTERM stop the job at a safe point) and <see cref="JobHostedService"/>.
/// </summary>
public static class JobHost
{
    /// <summary>Long enough for the current step and a checkpoint write to finish after SIGTERM.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(string logFile, Func<IServiceProvider, IRunJob> createJob)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSerilog(lc => LoggingSetup.Configure(lc, logFile, ConsoleProgress.IsInteractive));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddSingleton<JobResult>();
        builder.Services.AddSingleton(createJob);
        builder.Services.AddHostedService<JobHostedService>();

        IHost host = builder.Build();
        JobResult result = host.Services.GetRequiredService<JobResult>();
        await host.RunAsync(); // disposes the host
        return result.ExitCode;
    }
}
