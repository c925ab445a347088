using NasPrune.Supernet.Serialization;

namespace NasPrune.Training.Runs;

/// <summary>
/// Appends <see cref="MetricsRow"/>s to metrics.csv, flushing each row so a killed run keeps them.
/// On resume, rows newer than the checkpoint being resumed are dropped first (they will be produced
/// again), so the file reads as one uninterrupted run.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly CsvAppender<MetricsRow> _rows;

    public MetricsLog(string path, long resumeStep)
    {
        if (File.Exists(path) && new FileInfo(path).Length > 0) Rewrite(path, resumeStep);
        _rows = new CsvAppender<MetricsRow>(path);
    }

    public void Write(MetricsRow row) => _rows.Write(row);

    /// <summary>Reads the rows; columns added in later versions read as their defaults in older files.</summary>
    public static List<MetricsRow> Read(string path) => CsvTable.Read<MetricsRow>(path);

    /// <summary>
    /// Keeps rows up to and including <paramref name="step"/> (a training row at exactly that step stays),
    /// and brings an older file's header up to date, so appended rows line up with it.
    /// </summary>
    private static void Rewrite(string path, long step)
    {
        CsvTable.DropPartialLastRow(path);
        string header;
        using (var reader = new StreamReader(path)) header = reader.ReadLine() ?? "";
        List<MetricsRow> rows = Read(path);
        if (rows.All(r => r.Step <= step) && header == CurrentHeader) return;
        CsvTable.Write(path, rows.Where(r => r.Step <= step));
    }

    private static readonly string CurrentHeader = string.Join(",", typeof(MetricsRow).GetProperties().Select(p => p.Name));

    public void Dispose() => _rows.Dispose();
}
