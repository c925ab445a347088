using NasPrune.LatencyTables.Measurement;
using NasPrune.LatencyTables.Operators;
using NasPrune.LatencyTables.Tables;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Randomness;
using static TorchSharp.torch;

namespace NasPrune.LatencyTables.Checks;

/// <summary>
/// Checks a latency table against reality: samples sub-networks (fixed seed), measures each end to
/// end on the table's device with the table's profile, and compares with the prediction. The networks
/// get fresh random weights, or, given <c>network</c>, whatever it builds: the design note's check
/// extracts them from the trained supernet, the weights that will be deployed.
/// </summary>
public static class LatencyCheck
{
    public const int DefaultNetworks = 100;

    /// <summary>Networks measured interleaved (see <see cref="LatencyMeter"/>).</summary>
    public const int GroupSize = 20;

    public static IReadOnlyList<LatencyCheckRow> Run(LatencyTable table, int networks = DefaultNetworks, ulong seed = 0xC4EC,
        IProgress<int>? progress = null, CancellationToken cancellation = default, Func<SubnetConfig, StaticOfaNet>? network = null)
    {
        var profile = table.Metadata.Profile;
        var device = new Device(profile.Device);
        // Timed at the table's speed unit when it has one (see SpeedReference), as timed otherwise.
        using SpeedReference? reference = table.Metadata.Speed?.Start(table.Metadata.Space, profile, table.Metadata.ImageSize);
        var meter = new LatencyMeter(profile, reference);
        var random = new SplitMix64(seed);
        var configs = Enumerable.Range(0, networks).Select(_ => SubnetSampler.Sample(table.Metadata.Space, random)).ToList();
        var rows = new List<LatencyCheckRow>();
        foreach (SubnetConfig[] group in configs.Chunk(GroupSize))
        {
            if (cancellation.IsCancellationRequested) break;
            IReadOnlyList<LatencySample> measured = meter.MeasureInterleaved(group, c => network is null
                ? new NetworkBench(c, profile.BatchSize, table.Metadata.ImageSize, device)
                : NetworkBench.Owning(network(c), profile.BatchSize, table.Metadata.ImageSize, device));
            for (int i = 0; i < group.Length; i++)
            {
                double predicted = table.PredictMs(group[i]);
                rows.Add(new LatencyCheckRow
                {
                    Arch = group[i].ToString(),
                    Macs = SubnetCost.Of(group[i]).Macs,
                    PredictedMs = Math.Round(predicted, 4),
                    MeasuredMs = Math.Round(measured[i].MedianMs, 4),
                    RawMs = Math.Round(measured[i].RawMedianMs, 4),
                    ErrorPercent = Math.Round(100 * (predicted - measured[i].MedianMs) / measured[i].MedianMs, 3),
                });
            }
            progress?.Report(rows.Count);
        }
        return rows;
    }
}
