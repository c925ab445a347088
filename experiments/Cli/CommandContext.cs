using Microsoft.Extensions.Logging;
using NasPrune.Experiments.Logging;
using NasPrune.Supernet.Runtime;
using Serilog.Extensions.Logging;
using static TorchSharp.torch;

namespace NasPrune.Experiments.Cli;

/// <summary>What a short, host-less command needs: a console logger, the device, and torch set up (threads, seed).</summary>
public sealed class CommandContext : IDisposable
{
    private readonly Serilog.Core.Logger _serilog;
    private readonly SerilogLoggerFactory _factory;

    public CommandContext(string name, string? device, int? threads, long seed = 0)
    {
        _serilog = LoggingSetup.CreateConsoleLogger();
        _factory = new SerilogLoggerFactory(_serilog);
        Logger = _factory.CreateLogger(name);
        Device = DeviceSelector.Parse(device ?? "cpu");
        TorchSetup.Configure(threads ?? 2, seed);
    }

    public ILogger Logger { get; }
    public Device Device { get; }

    public void Dispose()
    {
        _factory.Dispose();
        _serilog.Dispose();
    }
}
