using System.CommandLine;

namespace NasPrune.Experiments.Cli;

/// <summary>Options several commands share, defined once so their names and help stay the same.</summary>
public static class CommonOptions
{
    public static Option<string?> Device() => new("--device") { Description = "cpu, cuda or cuda:N (overrides the config)" };

    public static Option<int?> Threads() => new("--threads") { Description = "libtorch intra-op threads (overrides the config)" };

    public static Option<string?> DataRoot() =>
        new("--data-root") { Description = "Fashion-MNIST folder (default: $NASPRUNE_DATA, then /usr/share/datasets/fashion-mnist)" };

    public static Option<DirectoryInfo> RunDir(bool required) =>
        new("--run-dir") { Description = "run directory (rerunning on it resumes)", Required = required };
}
