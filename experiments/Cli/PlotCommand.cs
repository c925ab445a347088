using System.CommandLine;
using NasPrune.Experiments.Reports;
using NasPrune.Training.Runs;

namespace NasPrune.Experiments.Cli;

/// <summary><c>nasprune plot --run-dir DIR</c>: draws curves.png from a run's metrics.csv (also while it trains).</summary>
public static class PlotCommand
{
    public static Command Create()
    {
        var runDir = CommonOptions.RunDir(required: true);
        var command = new Command("plot", "Draw a run's pictures (curves.png; subnets.png for progressive shrinking; memory.png)") { runDir };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var run = new RunDirectory(parse.GetRequiredValue(runDir).FullName);
            if (!File.Exists(run.Metrics)) throw new FileNotFoundException($"--run-dir: '{run.Root}' has no metrics.csv");
            new RunReports(Path.GetFileName(run.Root)).WriteAll(run);
            Console.WriteLine($"{run.Root}: {TrainingCurvesPlot.FileName}" + (File.Exists(run.SubnetsCsv) ? $", {SubnetsPlot.FileName}" : "")
                + (File.Exists(Path.Combine(run.Root, MemoryPlot.FileName)) ? $", {MemoryPlot.FileName}" : ""));
            return 0;
        }));
        return command;
    }
}
