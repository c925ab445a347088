namespace NasPrune.Training.Runs;

/// <summary>A run directory that does not fit the command (started with another config). One-line message.</summary>
public sealed class RunMismatchException(string message) : Exception(message);
