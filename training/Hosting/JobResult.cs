namespace NasPrune.Training.Hosting;

/// <summary>What the hosted job ended with, read by the command line after the host stops.</summary>
public sealed class JobResult
{
    /// <summary>0: completed or stopped cleanly; 1: crashed; 2: bad input (data, checkpoint, config).</summary>
    public int ExitCode { get; set; } = 1;
}
