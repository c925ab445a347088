using NasPrune.LatencyTables.Operators;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Serialization;

namespace NasPrune.LatencyTables.Tables;

/// <summary>
/// A finished latency lookup table: operator medians by key plus the fitted per-network constants.
/// Predicted latency of a sub-network = the table's operator scale x the sum of its operators' medians
/// + the constant of its resolution (<see cref="LutCalibration"/>).
/// </summary>
public sealed class LatencyTable
{
    private readonly Dictionary<string, double> _medians;

    public LatencyTable(IEnumerable<LutRow> rows, LutMetadata metadata)
    {
        _medians = rows.ToDictionary(r => r.Key, r => r.MedianMs);
        Metadata = metadata;
    }

    public LutMetadata Metadata { get; }
    public int Count => _medians.Count;

    /// <summary>Reads a table and its metadata; errors name the file and what is wrong.</summary>
    public static LatencyTable Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--lut: '{path}' does not exist");
        LutMetadata metadata = LutMetadata.Read(path)
            ?? throw new InvalidDataException($"{path}: the table is not finished (no {Path.GetFileName(LutMetadata.PathFor(path))}); rerun nasprune lut build to complete it");
        List<LutRow> rows = CsvTable.Read<LutRow>(path);
        string hash = metadata.Profile.Hash();
        if (rows.FirstOrDefault(r => r.ProfileHash != hash) is { } foreign)
            throw new InvalidDataException($"{path}: row '{foreign.Key}' was measured with another device profile ({foreign.Profile})");
        return new LatencyTable(rows, metadata);
    }

    /// <summary>The table's median for one operator.</summary>
    public double Median(LatencyOperator op) =>
        _medians.TryGetValue(op.Key, out double ms) ? ms
            : throw new KeyNotFoundException($"latency table has no entry '{op.Key}' (built for another space?)");

    /// <summary>Sum of the operators' medians, without the constant.</summary>
    public double OperatorSumMs(SubnetConfig config) => LatencyOperators.Of(config).Sum(Median);

    public double PredictMs(SubnetConfig config) => Metadata.Calibration.PredictMs(OperatorSumMs(config), config.Resolution);

    /// <summary>True when the table was built for this space (same definition).</summary>
    public bool Covers(OfaSearchSpace space) => Metadata.Space.Equals(space);
}
