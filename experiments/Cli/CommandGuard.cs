using NasPrune.Experiments.Configuration;
using NasPrune.Training.Hosting;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// Runs a command's body and turns bad input into one line on stderr and exit code 2: no stack trace
/// for a user's mistake. Anything else is a defect and keeps its stack trace (exit code 1).
/// </summary>
public static class CommandGuard
{
    public const int BadInput = 2;

    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is ConfigException || UserErrors.IsUserError(e))
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return BadInput;
        }
    }

    public static Task<int> Run(Func<int> body) => RunAsync(() => Task.FromResult(body()));
}
