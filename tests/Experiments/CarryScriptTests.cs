using System.Diagnostics;
using NasPrune.Tests.TestSupport;

namespace NasPrune.Tests.Experiments;

/// <summary>
/// experiments/scripts/carry.sh on fake run folders: what a save keeps (an unfinished run's newest checkpoint
/// with its checksum, no per-phase supernets, no finished run's checkpoints, the queue's pins and log), that it
/// refuses while jobs run, and that a restore brings the runs back without touching ones the machine has; files
/// over the size limit travel as parts and come back bit-exact, or not at all when a part is damaged.
/// </summary>
public sealed class CarryScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nasprune-carry").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void SaveKeepsWhatResumingNeedsAndRestoreBringsItBack()
    {
        string runs = Path.Combine(_root, "runs"), carry = Path.Combine(_root, "carry");
        string binary = Write(runs, "bin-0123abc/nasprune.dll", "binary");
        Write(runs, "ps/config.json", "{}");
        Write(runs, "ps/checkpoints/ckpt-000000010.npta", "old");
        Write(runs, "ps/checkpoints/ckpt-000000010.npta.sha256", "old-sum");
        Write(runs, "ps/checkpoints/ckpt-000000020.npta", "new");
        Write(runs, "ps/checkpoints/ckpt-000000020.npta.sha256", "new-sum");
        Write(runs, "ps/phases/kernel.npta", "supernet");
        Write(runs, "ps/phases/subnets.png", "picture");
        Write(runs, "teacher/result.json", "{}");
        Write(runs, "teacher/model.npta", "weights");
        Write(runs, "teacher/checkpoints/ckpt-000000030.npta", "done");
        Write(runs, "queue/ps.binary", binary + "\n");
        Write(runs, "queue/queue.log", "log\n");
        Write(runs, "queue/ps.log", "job output\n");

        Directory.CreateDirectory(Path.Combine(runs, "queue", "ps.lock"));
        var (refused, message) = Carry("save", runs, carry);
        Assert.Equal(2, refused);
        Assert.Contains("stop the queue first", message);
        Directory.Delete(Path.Combine(runs, "queue", "ps.lock"));

        Assert.Equal(0, Carry("save", runs, carry).Code);
        Assert.Equal(new[]
        {
            "queue/ps.binary", "queue/queue.log",
            "runs/ps/checkpoints/ckpt-000000020.npta", "runs/ps/checkpoints/ckpt-000000020.npta.sha256", "runs/ps/config.json", "runs/ps/phases/subnets.png",
            "runs/teacher/model.npta", "runs/teacher/result.json",
        }, Files(carry));

        string restored = Path.Combine(_root, "restored");
        Write(restored, "teacher/model.npta", "this machine's");
        var (code, output) = Carry("restore", restored, carry);
        Assert.Equal(0, code);
        Assert.Contains("teacher exists; left as it is", output);
        Assert.Equal("new", File.ReadAllText(Path.Combine(restored, "ps/checkpoints/ckpt-000000020.npta")));
        Assert.Equal("new-sum", File.ReadAllText(Path.Combine(restored, "ps/checkpoints/ckpt-000000020.npta.sha256")));
        Assert.Equal("this machine's", File.ReadAllText(Path.Combine(restored, "teacher/model.npta")));
        Assert.Equal(binary, File.ReadAllText(Path.Combine(restored, "queue/ps.binary")).Trim());
    }

    [Fact]
    public void FilesOverTheLimitTravelAsPartsAndComeBackBitExact()
    {
        string runs = Path.Combine(_root, "runs"), carry = Path.Combine(_root, "carry");
        var checkpoint = Enumerable.Range(0, 50).Select(i => (byte)(i * 37 % 251)).ToArray();
        Write(runs, "ps/config.json", "{}");
        string newest = Write(runs, "ps/checkpoints/ckpt-000000020.npta", "");
        File.WriteAllBytes(newest, checkpoint);
        Write(runs, "ps/checkpoints/ckpt-000000020.npta.sha256", "sum");
        Write(runs, "teacher/result.json", "{}");
        Write(runs, "teacher/model.npta", new string('w', 17));

        var (saved, output) = Carry("save", runs, carry, maxBytes: 16);
        Assert.Equal(0, saved);
        Assert.Contains("ckpt-000000020.npta stored as 4 parts", output);
        // Every carried file but the checksums (64 hex digits, over this test's tiny limit) fits the limit.
        Assert.All(Directory.GetFiles(carry, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".parts.sha256")),
            f => Assert.True(new FileInfo(f).Length <= 16, f));
        Assert.DoesNotContain("runs/ps/checkpoints/ckpt-000000020.npta", Files(carry));
        Assert.Contains("runs/teacher/model.npta.part-001", Files(carry));

        string restored = Path.Combine(_root, "restored");
        Assert.Equal(0, Carry("restore", restored, carry).Code);
        Assert.Equal(checkpoint, File.ReadAllBytes(Path.Combine(restored, "ps/checkpoints/ckpt-000000020.npta")));
        Assert.Equal(new string('w', 17), File.ReadAllText(Path.Combine(restored, "teacher/model.npta")));
        Assert.Empty(Directory.GetFiles(restored, "*.part-*", SearchOption.AllDirectories));

        File.WriteAllText(Path.Combine(carry, "runs/ps/checkpoints/ckpt-000000020.npta.part-002"), "damaged");
        string again = Path.Combine(_root, "again");
        var (failed, message) = Carry("restore", again, carry);
        Assert.NotEqual(0, failed);
        Assert.Contains("ckpt-000000020.npta's parts do not match their checksum", message);
        Assert.False(Directory.Exists(Path.Combine(again, "ps")));
    }

    private static string Write(string folder, string relative, string text)
    {
        string path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string[] Files(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToArray();

    private static (int Code, string Output) Carry(string command, string runs, string carry, long? maxBytes = null)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(RepoRoot.Path, "experiments", "scripts", "carry.sh"));
        info.ArgumentList.Add(command);
        info.Environment["RUNS"] = runs;
        info.Environment["CARRY"] = carry;
        if (maxBytes is { } limit) info.Environment["MAX_BYTES"] = limit.ToString();
        using var p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}
