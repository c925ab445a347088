using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace NasPrune.Tests.TestSupport;

/// <summary>Runs the real <c>nasprune</c> executable (built next to the tests) in a child process.</summary>
public sealed class NasPruneProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NasPruneProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static NasPruneProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nasprune.dll"));
        foreach (string a in args) info.ArgumentList.Add(a);
        return new NasPruneProcess(Process.Start(info)!);
    }

    /// <summary>
    /// Runs to the end and returns (exit code, everything printed). The limit only catches a hang: these runs take
    /// seconds to a minute, but beside other trainings on 2 cores one took over 3 minutes.
    /// </summary>
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        using var p = Start(args);
        return (p.WaitForExit(TimeSpan.FromMinutes(10)), p.Output);
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nasprune did not exit within {timeout}; output:\n{Output}");
        }
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    public const int SigKill = 9;
    public const int SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
