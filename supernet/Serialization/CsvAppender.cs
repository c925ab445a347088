using System.Globalization;
using CsvHelper;

namespace NasPrune.Supernet.Serialization;

/// <summary>
/// Appends records to a CSV file one row at a time, flushing each, so a killed process keeps every
/// row it finished (resumable logs and tables). Writes the header when the file is new or empty. A row
/// cut short by a kill during its write is dropped first (<see cref="CsvTable.DropPartialLastRow"/>);
/// readers that resume from the file use <see cref="CsvTable.ReadForAppend{T}"/>, which does the same.
/// </summary>
public sealed class CsvAppender<T> : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly CsvWriter _csv;

    public CsvAppender(string path)
    {
        CsvTable.DropPartialLastRow(path);
        bool exists = File.Exists(path) && new FileInfo(path).Length > 0;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
        _csv = new CsvWriter(_writer, CultureInfo.InvariantCulture);
        if (!exists)
        {
            _csv.WriteHeader<T>();
            _csv.NextRecord();
            _writer.Flush();
        }
    }

    public void Write(T row)
    {
        _csv.WriteRecord(row);
        _csv.NextRecord();
        _writer.Flush();
    }

    public void Dispose()
    {
        _csv.Dispose();
        _writer.Dispose();
    }
}
