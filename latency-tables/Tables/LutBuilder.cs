using NasPrune.LatencyTables.Devices;
using NasPrune.LatencyTables.Measurement;
using NasPrune.LatencyTables.Operators;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Randomness;
using NasPrune.Supernet.Serialization;
using static TorchSharp.torch;

namespace NasPrune.LatencyTables.Tables;

/// <summary>Where a table build is: operators measured of all, and the one just done.</summary>
public sealed record LutProgress(int Done, int Total, string Key, double MedianMs);

/// <summary>
/// Builds a latency table for (space, device profile): measures every operator any sub-network can
/// contain as a standalone module (<see cref="OperatorBench"/>) and appends one row per operator, so
/// a stopped build resumes where it was; then measures random whole networks of every resolution and fits
/// the table's calibration on them (<see cref="LutCalibration"/>: a scale of the operator sum and a constant
/// per resolution), and writes the metadata, which marks the table finished. One constant per resolution,
/// not one for all: the input resize runs only at resolutions other than the data's, and on a 2-core EPYC
/// one shared constant left a resolution-dependent bias (MAPE 6.6 %; per resolution 2.6-3.1 % on the same 30 networks).
/// </summary>
public sealed class LutBuilder(OfaSearchSpace space, DeviceProfile profile, int imageSize = 28)
{
    /// <summary>
    /// Random whole networks measured per resolution for the calibration (was 5, enough for a constant
    /// but a thin spread of sizes to fit a scale on); 40 networks take about a minute at batch 1 here.
    /// </summary>
    public const int FitNetworksPerResolution = 10;

    private const ulong FitSeed = 0xF17;

    /// <summary>Operators measured interleaved and then written together.</summary>
    public const int GroupSize = 30;

    /// <returns>The finished table, or null when <paramref name="cancellation"/> stopped the build (rerun to resume).</returns>
    public LatencyTable? Build(string path, IProgress<LutProgress>? progress = null, CancellationToken cancellation = default)
    {
        Device device = new(profile.Device);
        string hash = profile.Hash();
        List<LutRow> rows = CsvTable.ReadForAppend<LutRow>(path);
        if (rows.FirstOrDefault(r => r.ProfileHash != hash) is { } foreign)
            throw new InvalidDataException($"--out: '{path}' holds rows measured with another device profile ({foreign.Profile}); use a new file");
        if (LutMetadata.Read(path) is { } finished && finished.Profile.Hash() == hash && finished.Space.Equals(space))
            return new LatencyTable(rows, finished);
        if (rows.Count > 0 && rows[0].ReferenceMs is null)
            throw new InvalidDataException($"--out: '{path}' holds rows measured without a speed reference (an earlier NasPrune); use a new file");

        // The unit is fixed when the build starts and kept by every resumed run (it is on every row).
        using SpeedReference reference = TableSpeed.Start(TableSpeed.ReferenceOf(space), profile, imageSize, rows.Count > 0 ? rows[0].ReferenceMs : null);
        var meter = new LatencyMeter(profile, reference);

        IReadOnlyList<LatencyOperator> all = LatencyOperators.All(space);
        var done = rows.Select(r => r.Key).ToHashSet();
        var todo = all.Where(o => !done.Contains(o.Key)).ToList();
        using (var appender = new CsvAppender<LutRow>(path))
        {
            // Groups of operators are measured interleaved and written together: a stop loses at most one group.
            foreach (LatencyOperator[] group in todo.Chunk(GroupSize))
            {
                if (cancellation.IsCancellationRequested) return null;
                IReadOnlyList<LatencySample> samples = meter.MeasureInterleaved(group, op => new OperatorBench(space, op, profile.BatchSize, device));
                for (int i = 0; i < group.Length; i++)
                {
                    LutRow row = Row(group[i], samples[i], hash, reference.UnitMs);
                    appender.Write(row);
                    rows.Add(row);
                    progress?.Report(new LutProgress(rows.Count, all.Count, group[i].Key, samples[i].MedianMs));
                }
            }
        }

        var partial = new LatencyTable(rows, new LutMetadata(space, profile, LutCalibration.Unscaled(new Dictionary<int, double>()), 0, imageSize));
        LutCalibration calibration = Calibrate(partial, meter, device);
        var metadata = new LutMetadata(space, profile, calibration, FitNetworksPerResolution * space.Resolutions.Count, imageSize,
            new TableSpeed(reference.Name, reference.UnitMs));
        metadata.Write(path);
        return new LatencyTable(rows, metadata);
    }

    private LutCalibration Calibrate(LatencyTable table, LatencyMeter meter, Device device)
    {
        var random = new SplitMix64(FitSeed);
        var configs = space.Resolutions
            .SelectMany(r => Enumerable.Range(0, FitNetworksPerResolution).Select(_ => SubnetSampler.Sample(space, random).WithResolution(r)))
            .ToList();
        IReadOnlyList<LatencySample> measured = meter.MeasureInterleaved(configs, c => new NetworkBench(c, profile.BatchSize, imageSize, device));
        return LutCalibration.Fit(configs.Select((c, i) => new CalibrationPoint(c.Resolution, table.OperatorSumMs(c), measured[i].MedianMs)).ToList());
    }

    private LutRow Row(LatencyOperator op, LatencySample sample, string hash, double referenceMs) => new()
    {
        Key = op.Key,
        Kind = op.Kind.ToString(),
        Stage = op.Stage,
        StageFirst = op.StageFirst,
        InputSize = op.InputSize,
        Kernel = op.Kernel,
        Expand = op.Expand,
        MedianMs = Math.Round(sample.MedianMs, 5),
        P10Ms = Math.Round(sample.P10Ms, 5),
        P90Ms = Math.Round(sample.P90Ms, 5),
        Repeats = sample.Repeats,
        ReferenceMs = referenceMs,
        Profile = profile.Name,
        ProfileHash = hash,
    };
}
