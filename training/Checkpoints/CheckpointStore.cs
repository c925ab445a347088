using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Serialization;
using static TorchSharp.torch;

namespace NasPrune.Training.Checkpoints;

/// <summary>
/// The checkpoints of one run: <c>ckpt-{step:D9}.npta</c> files (a <see cref="TensorArchive"/> each,
/// written atomically with a SHA-256 sidecar). Keeps the newest <c>keep</c>; loading walks from the
/// newest back and skips, with a warning naming it, any file that fails verification.
/// </summary>
public sealed class CheckpointStore(string folder, int keep, ILogger logger)
{
    private const string Prefix = "ckpt-";
    private const string Extension = ".npta";

    public string Folder { get; } = folder;

    /// <summary>Writes the checkpoint for <paramref name="step"/>, then deletes all but the newest <c>keep</c>.</summary>
    public string Save(long step, IEnumerable<KeyValuePair<string, Tensor>> tensors, JsonObject metadata)
    {
        Directory.CreateDirectory(Folder);
        string path = Path.Combine(Folder, $"{Prefix}{step:D9}{Extension}");
        string hash = TensorArchive.Write(path, tensors, metadata);
        logger.LogInformation("Checkpoint {Path} written at step {Step} (sha256 {Hash})", path, step, hash[..12]);
        foreach (string old in List().Skip(keep))
        {
            File.Delete(old);
            File.Delete(old + AtomicFile.ChecksumSuffix);
        }
        return path;
    }

    /// <summary>The newest checkpoint that verifies, or null when there is none.</summary>
    public LoadedArchive? LoadLatestGood()
    {
        foreach (string path in List())
        {
            try
            {
                LoadedArchive archive = TensorArchive.Read(path);
                logger.LogInformation("Resuming from checkpoint {Path}", path);
                return archive;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or System.Text.Json.JsonException)
            {
                logger.LogWarning("Checkpoint {Path} is damaged and was skipped: {Reason}", path, e.Message);
            }
        }
        return null;
    }

    /// <summary>Checkpoint files, newest (highest step) first.</summary>
    public IReadOnlyList<string> List() =>
        !Directory.Exists(Folder)
            ? []
            : Directory.EnumerateFiles(Folder, Prefix + "*" + Extension)
                .Select(p => (Path: p, Step: ParseStep(p)))
                .Where(p => p.Step >= 0)
                .OrderByDescending(p => p.Step)
                .Select(p => p.Path)
                .ToList();

    private static long ParseStep(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        return long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long step) ? step : -1;
    }
}
