using System.CommandLine;

namespace NasPrune.Experiments.Cli;

/// <summary><c>nasprune train --config FILE --run-dir DIR</c>: validates the config, then runs the job under the host (<see cref="RunCommand"/>).</summary>
public static class TrainCommand
{
    public static Command Create() =>
        RunCommand.Create("train", "Train as a resumable hosted job (SIGINT/SIGTERM checkpoint and exit 0)");
}
