using System.CommandLine;
using NasPrune.Experiments.Cli;

// The command line only parses and hands over: each command validates its input, then runs.
var root = new RootCommand("NasPrune: neural architecture search and pruning on TorchSharp")
{
    TrainCommand.Create(),
    PruneCommand.Create(),
    EvalCommand.Create(),
    InfoCommand.Create(),
    BenchCommand.Create(),
    ExportCommand.Create(),
    SupernetCommand.Create(),
    PlotCommand.Create(),
    LutCommand.Create(),
    PredictorCommand.Create(),
    SearchCommand.Create(),
    TuneCommand.Create(),
    CompareCommand.Create(),
    ComparePredictionsCommand.Create(),
};

ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
    return CommandGuard.BadInput;
}
// The host's console lifetime handles SIGINT/SIGTERM for training; the parser must not race it.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
