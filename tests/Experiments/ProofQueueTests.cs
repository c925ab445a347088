using System.Diagnostics;

namespace NasPrune.Tests.Experiments;

/// <summary>
/// experiments/scripts/proof-queue.sh on fake jobs (shell commands that touch files): dependencies,
/// resume after a crash, a job that keeps failing and what needs it, and "alone" jobs getting all cores.
/// </summary>
public sealed class ProofQueueTests : IDisposable
{
    private readonly string _runs = Directory.CreateTempSubdirectory("nasprune-queue").FullName;

    public void Dispose()
    {
        Queue("stop");
        Directory.Delete(_runs, recursive: true);
    }

    [Fact]
    public void JobsRunAfterTheirNeedsCrashesResumeAndAFailureBlocksWhatNeedsIt()
    {
        string jobs = Path.Combine(_runs, "test.jobs");
        File.WriteAllText(jobs, """
            # name | needs | mode | done | command
            first | - | shared | [ -f $RUNS/first ] | sleep 1; touch $RUNS/first
            flaky | first | shared | [ -f $RUNS/flaky ] | echo x >> $RUNS/flaky.tries; [ $(wc -l < $RUNS/flaky.tries) -ge 2 ] || exit 1; touch $RUNS/flaky
            broken | - | shared | [ -f $RUNS/broken ] | echo x >> $RUNS/broken.tries; exit 3
            needs-broken | broken | shared | [ -f $RUNS/needs-broken ] | touch $RUNS/needs-broken
            measure | first flaky | alone | [ -f $RUNS/measure ] | echo $THREADS > $RUNS/measure
            """);

        Queue("start", jobs);
        string status = "";
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            status = Queue("status", jobs);
            if (!status.Contains("ready") && !status.Contains("waiting") && !status.Contains("running")) break;
            Thread.Sleep(500);
        }

        Assert.Matches(@"first\s+done", status);
        Assert.Matches(@"flaky\s+done", status);
        Assert.Matches(@"measure\s+done", status);
        Assert.Matches(@"broken\s+failed", status);
        Assert.Matches(@"needs-broken\s+blocked", status);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_runs, "flaky.tries")).Length);   // one crash, then resumed
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_runs, "broken.tries")).Length);  // MAX_CRASHES=3
        Assert.False(File.Exists(Path.Combine(_runs, "needs-broken")));
        Assert.Equal(Environment.ProcessorCount.ToString(), File.ReadAllText(Path.Combine(_runs, "measure")).Trim());

        string[] log = File.ReadAllLines(Path.Combine(_runs, "queue", "queue.log"));
        int firstDone = Array.FindIndex(log, l => l.Contains("first done"));
        int flakyStarts = Array.FindIndex(log, l => l.Contains("flaky starts"));
        int flakyDone = Array.FindIndex(log, l => l.Contains("flaky done"));
        int measureStarts = Array.FindIndex(log, l => l.Contains("measure starts"));
        Assert.True(firstDone >= 0 && firstDone < flakyStarts, string.Join('\n', log));
        Assert.True(flakyDone >= 0 && flakyDone < measureStarts, string.Join('\n', log));
    }

    private string Queue(string command, string? jobs = null)
    {
        string script = Path.Combine(RepoRoot(), "experiments", "scripts", "proof-queue.sh");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(command);
        info.Environment["RUNS"] = _runs;
        info.Environment["POLL"] = "1";
        info.Environment["MAX_CRASHES"] = "3";
        if (jobs is not null) info.Environment["JOBS"] = jobs;
        using var p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NasPrune.sln"))) return dir.FullName;
        throw new InvalidOperationException("NasPrune.sln not found above the test binaries");
    }
}
