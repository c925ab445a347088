namespace NasPrune.Tests.TestSupport;

/// <summary>The repository the tests run from (the folder holding NasPrune.sln above the test binaries): for tests of its scripts and files.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "NasPrune.sln"))) return dir.FullName;
        throw new InvalidOperationException("NasPrune.sln not found above the test binaries");
    }
}
