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
        if (exists) TruncateAfter(path, resumeStep);
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

    public static List<MetricsRow> Read(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        return csv.GetRecords<MetricsRow>().ToList();
    }

    /// <summary>Keeps rows up to and including <paramref name="step"/>; a training row at exactly that step stays.</summary>
    private static void TruncateAfter(string path, long step)
    {
        List<MetricsRow> rows = Read(path);
        if (rows.All(r => r.Step <= step)) return;
        Supernet.Serialization.AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream);
            using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
            csv.WriteRecords(rows.Where(r => r.Step <= step));
        });
    }

    public void Dispose()
    {
        _csv.Dispose();
        _writer.Dispose();
    }
}
