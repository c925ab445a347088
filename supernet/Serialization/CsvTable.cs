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

    /// <summary>
    /// The rows of a file that is about to be appended to (<see cref="CsvAppender{T}"/>), after dropping a
    /// last row cut short by a kill in the middle of its write, which would otherwise read as garbage and
    /// have the next row glued onto it.
    /// </summary>
    public static List<T> ReadForAppend<T>(string path)
    {
        DropPartialLastRow(path);
        return Read<T>(path);
    }

    /// <summary>Truncates the file after its last line break (every complete row ends with one).</summary>
    public static void DropPartialLastRow(string path)
    {
        if (!File.Exists(path)) return;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        long end = stream.Length;
        var one = new byte[1];
        while (end > 0)
        {
            stream.Position = end - 1;
            stream.ReadExactly(one);
            if (one[0] == (byte)'\n') break;
            end--;
        }
        if (end < stream.Length) stream.SetLength(end);
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
