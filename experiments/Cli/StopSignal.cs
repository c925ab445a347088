using System.Runtime.InteropServices;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// SIGINT / SIGTERM for host-less long commands (lut build, predictor data): the first signal asks the
/// work to stop at a safe point (it keeps what it finished and resumes when rerun), instead of killing it.
/// </summary>
public sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    public StopSignal()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public CancellationToken Token => _source.Token;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        Console.Error.WriteLine("stopping after the current item; rerun the same command to resume");
        _source.Cancel();
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _source.Dispose();
    }
}
