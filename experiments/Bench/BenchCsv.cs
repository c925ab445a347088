using System.Globalization;
using CsvHelper;
using NasPrune.Supernet.Serialization;

namespace NasPrune.Experiments.Bench;

/// <summary>Writes benchmark rows as CSV (atomically).</summary>
public static class BenchCsv
{
    public static void Write(string path, IEnumerable<BenchRow> rows) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream);
            using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
            csv.WriteRecords(rows);
        });
}
