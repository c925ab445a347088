using System.CommandLine;
using NasPrune.Experiments.Configuration;
using NasPrune.Training.Configuration;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// <c>nasprune prune --config FILE --run-dir DIR</c>: runs a config with a <c>pruning</c> section on the same hosted,
/// resumable runner as <c>train</c> (<see cref="RunCommand"/>). A config without one is refused, so a plain training
/// config is never run by mistake as if it were a pruning experiment.
/// </summary>
public static class PruneCommand
{
    public static Command Create() =>
        RunCommand.Create("prune", "Prune a ResNet (l1, global-magnitude, gradual-magnitude) or a fixed DARTS cell network (the magnitude methods) and train it as a resumable hosted job", RequirePruning);

    /// <summary>Refuses a config without a <c>pruning</c> section, in one line naming the field and its methods.</summary>
    public static void RequirePruning(RunConfig config)
    {
        if (config.Pruning is null)
            throw new ConfigException($"config: 'pruning' is required by nasprune prune (method: {PruningConfig.L1}, {PruningConfig.GlobalMagnitude} or {PruningConfig.GradualMagnitude}); "
                + "use nasprune train for a run without pruning");
    }
}
