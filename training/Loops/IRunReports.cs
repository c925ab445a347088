using NasPrune.Training.Runs;

namespace NasPrune.Training.Loops;

/// <summary>Draws a run's pictures (the host's concern: training only writes CSVs) when new numbers are in.</summary>
public interface IRunReports
{
    void PhaseCompleted(RunDirectory run, string phase);
}
