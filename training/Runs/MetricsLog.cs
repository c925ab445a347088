using System.Globalization;
using CsvHelper;

namespace NasPrune.Training.Runs;

/// <summary>
/// Appends <see cref="MetricsRow"/>s to metrics.csv, flushing each row so a killed run keeps them.
/// On resume, rows newer than the checkpoint being resumed are dropped first (they will be produced
/// again), so the file reads as one uninterrupted run.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly CsvWriter _csv;

    public MetricsLog(string path, long resumeStep)
    {
        bool exists = File.Exists(path) && new FileInfo(path).Length > 0;
        if (exists) Rewrite(path, resumeStep);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
        _csv = new CsvWriter(_writer, CultureInfo.InvariantCulture);
        if (!exists)
        {
            _csv.WriteHeader<MetricsRow>();
            _csv.NextRecord();
            _writer.Flush();
        }
    }

    public void Write(MetricsRow row)
    {
        _csv.WriteRecord(row);
        _csv.NextRecord();
        _writer.Flush();
    }

    /// <summary>Reads the rows; columns added in later versions read as their defaults in older files.</summary>
    public static List<MetricsRow> Read(string path) => CsvTable.Read<MetricsRow>(path);

    /// <summary>
    /// Keeps rows up to and including <paramref name="step"/> (a training row at exactly that step stays),
    /// and brings an older file's header up to date, so appended rows line up with it.
    /// </summary>
    private static void Rewrite(string path, long step)
    {
        string header;
        using (var reader = new StreamReader(path)) header = reader.ReadLine() ?? "";
        List<MetricsRow> rows = Read(path);
        if (rows.All(r => r.Step <= step) && header == CurrentHeader) return;
        CsvTable.Write(path, rows.Where(r => r.Step <= step));
    }

    private static readonly string CurrentHeader = string.Join(",", typeof(MetricsRow).GetProperties().Select(p => p.Name));

    public void Dispose()
    {
        _csv.Dispose();
        _writer.Dispose();
    }
}
