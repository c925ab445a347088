using System.Diagnostics;
using NasPrune.Tests.TestSupport;

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
            after-file | file:$RUNS/first | shared | [ -f $RUNS/after-file ] | echo x >> $RUNS/after-file.tries; [ -f $RUNS/first ] && touch $RUNS/after-file
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
        Assert.Matches(@"after-file\s+done", status);
        Assert.Matches(@"broken\s+failed", status);
        Assert.Matches(@"needs-broken\s+blocked", status);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_runs, "flaky.tries")).Length);   // one crash, then resumed
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_runs, "broken.tries")).Length);  // MAX_CRASHES=3
        Assert.Single(File.ReadAllLines(Path.Combine(_runs, "after-file.tries")));        // started only once the file it needs existed
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

    [Fact]
    public void TheProofJobListIsConsistent()
    {
        // experiments/scripts/proofs.jobs: names unique, every need a job of the list (or a file:PATH), every mode known,
        // every config a command names present (a typo would only show hours into a queue).
        string root = RepoRoot.Path;
        var jobs = File.ReadAllLines(Path.Combine(root, "experiments", "scripts", "proofs.jobs"))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .Select(l => l.Split('|', 5).Select(f => f.Trim()).ToArray())
            .ToList();
        Assert.All(jobs, j => Assert.Equal(5, j.Length));
        var names = jobs.Select(j => j[0]).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(jobs, j => Assert.Contains(j[2], new[] { "shared", "alone" }));
        foreach (string[] job in jobs.Where(j => j[1] != "-"))
            Assert.All(job[1].Split(' ', StringSplitOptions.RemoveEmptyEntries), need => Assert.True(need.StartsWith("file:$RUNS/") || names.Contains(need), $"job {job[0]} needs '{need}': not a job of the list nor file:$RUNS/..."));
        var configs = jobs.SelectMany(j => System.Text.RegularExpressions.Regex.Matches(j[4], @"experiments/\S+\.json").Select(m => m.Value)).ToList();
        Assert.NotEmpty(configs);
        Assert.All(configs, c => Assert.True(File.Exists(Path.Combine(root, c)), $"{c} is named in proofs.jobs but does not exist"));
        // Fields are split at '|': a pipe inside a done-test cuts it and the command in two, which only
        // shows as a syntax error when the job starts. Both must parse as shell.
        Assert.All(jobs, j =>
        {
            Assert.True(ParsesAsShell(j[3]), $"job {j[0]}: done-test does not parse as shell: {j[3]}");
            Assert.True(ParsesAsShell(j[4]), $"job {j[0]}: command does not parse as shell: {j[4]}");
        });
        Assert.False(ParsesAsShell("""[ "$(tail -n +2 x""")); // the check sees such a cut
    }

    private static bool ParsesAsShell(string text)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(text);
        using var p = Process.Start(info)!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    private string Queue(string command, string? jobs = null)
    {
        string script = Path.Combine(RepoRoot.Path, "experiments", "scripts", "proof-queue.sh");
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
}
