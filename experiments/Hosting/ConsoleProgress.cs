using NasPrune.Training.Loops;
using Spectre.Console;

namespace NasPrune.Experiments.Hosting;

/// <summary>One self-overwriting status line (progress, loss, images/s, ETA) for interactive consoles.</summary>
public sealed class ConsoleProgress : ITrainingProgress
{
    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public void Report(TrainingProgress p)
    {
        double share = p.TotalSteps == 0 ? 1 : (double)p.Step / p.TotalSteps;
        int filled = (int)Math.Round(share * 30);
        string bar = new string('#', filled) + new string('-', 30 - filled);
        AnsiConsole.Markup($"\r[bold]{p.Phase}[/] [green]{bar}[/] {share:P1} step {p.Step}/{p.TotalSteps} epoch {p.Epoch}/{p.Epochs} " +
                           $"loss {p.Loss:F4} [yellow]{p.ImagesPerSecond:F0} img/s[/] ETA {p.Remaining:hh\\:mm\\:ss}   ");
        if (p.Step >= p.TotalSteps) AnsiConsole.WriteLine();
    }
}
