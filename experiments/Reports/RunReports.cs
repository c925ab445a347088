using NasPrune.Training.Loops;
using NasPrune.Training.Runs;

namespace NasPrune.Experiments.Reports;

/// <summary>
/// The pictures of a run, redrawn whenever a phase completes and at the end: training curves, and for
/// progressive shrinking the panel sub-networks' accuracy across phases. A picture that cannot be drawn
/// is reported and skipped: it must never stop a run that has been training for hours.
/// </summary>
public sealed class RunReports(string title) : IRunReports
{
    public void PhaseCompleted(RunDirectory run, string phase) => WriteAll(run);

    /// <summary>Draws every picture the run has data for (curves; sub-networks; memory).</summary>
    public void WriteAll(RunDirectory run)
    {
        Draw(() => TrainingCurvesPlot.Write(run, title), TrainingCurvesPlot.FileName);
        if (File.Exists(run.SubnetsCsv)) Draw(() => SubnetsPlot.Write(run, title), SubnetsPlot.FileName);
        Draw(() => MemoryPlot.Write(run, title), MemoryPlot.FileName);
    }

    private static void Draw(Func<string?> draw, string name)
    {
        try
        {
            draw();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or CsvHelper.CsvHelperException)
        {
            Console.Error.WriteLine($"warning: could not draw {name}: {e.Message}");
        }
    }
}
