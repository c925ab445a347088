using Serilog;
using Serilog.Events;

namespace NasPrune.Experiments.Logging;

/// <summary>
/// Serilog for the command line. The run's log file gets everything (structured, one line an event);
/// the console gets plain log lines, or only warnings when an interactive status line shows progress.
/// </summary>
public static class LoggingSetup
{
    private const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";
    private const string FileTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static LoggerConfiguration Configure(LoggerConfiguration logger, string? logFile, bool interactiveProgress)
    {
        logger = logger.MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: ConsoleTemplate, standardErrorFromLevel: LogEventLevel.Error,
                restrictedToMinimumLevel: interactiveProgress ? LogEventLevel.Warning : LogEventLevel.Information);
        if (logFile is not null) logger = logger.WriteTo.File(logFile, outputTemplate: FileTemplate, shared: true);
        return logger;
    }

    /// <summary>A logger for commands that run without a host (info, eval, bench).</summary>
    public static Serilog.Core.Logger CreateConsoleLogger() => Configure(new LoggerConfiguration(), null, false).CreateLogger();
}
