using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace NasPrune.Supernet.Serialization;

/// <summary>
/// Small CSV tables of records (CsvHelper) that are rewritten whole and atomically, so a step repeated
/// after a resume replaces its rows instead of duplicating them.
/// </summary>
public static class CsvTable
{
    /// <summary>All rows; columns added in later versions read as their defaults in older files.</summary>
    public static List<T> Read<T>(string path)
    {
        if (!File.Exists(path)) return [];
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { MissingFieldFound = null, HeaderValidated = null });
        return csv.GetRecords<T>().ToList();
    }

    public static void Write<T>(string path, IEnumerable<T> rows) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream);
            using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
            csv.WriteRecords(rows);
        });

    /// <summary>Replaces the rows matching <paramref name="replaced"/> by <paramref name="rows"/> (appended at the end).</summary>
    public static void Replace<T>(string path, Func<T, bool> replaced, IEnumerable<T> rows) =>
        Write(path, Read<T>(path).Where(r => !replaced(r)).Concat(rows).ToList());
}
