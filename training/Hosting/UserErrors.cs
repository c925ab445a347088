using NasPrune.Training.Data;
using NasPrune.Training.Runs;

namespace NasPrune.Training.Hosting;

/// <summary>
/// Which exceptions are a user's bad input (reported as one line, exit code 2) rather than a defect
/// (reported with its stack trace, exit code 1).
/// </summary>
public static class UserErrors
{
    public static bool IsUserError(Exception e) =>
        e is DatasetException or RunMismatchException or InvalidDataException or ArgumentException or FileNotFoundException or DirectoryNotFoundException;
}
