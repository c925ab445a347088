using NasPrune.LatencyTables.Devices;
using NasPrune.LatencyTables.Measurement;
using NasPrune.LatencyTables.Operators;
using NasPrune.LatencyTables.Tables;
using NasPrune.Supernet.Ofa.Static;
using static TorchSharp.torch;

namespace NasPrune.LatencyTables.Checks;

/// <summary>One deployed network's latency, measured so that it compares with the table's prediction.</summary>
public static class NetworkLatency
{
    /// <summary>
    /// <paramref name="net"/> (not disposed) timed on the table's device with the table's profile and input size,
    /// at the table's speed unit when it has one (see <see cref="SpeedReference"/>), as timed otherwise.
    /// </summary>
    public static LatencySample Measure(LatencyTable table, StaticOfaNet net)
    {
        DeviceProfile profile = table.Metadata.Profile;
        using var bench = new NetworkBench(net, profile.BatchSize, table.Metadata.ImageSize, new Device(profile.Device));
        return Measure(table, bench);
    }

    /// <summary>Any bench (not disposed), timed as <see cref="Measure(LatencyTable, StaticOfaNet)"/> times a network.</summary>
    public static LatencySample Measure(LatencyTable table, IBench bench)
    {
        DeviceProfile profile = table.Metadata.Profile;
        using SpeedReference? reference = table.Metadata.Speed?.Start(table.Metadata.Space, profile, table.Metadata.ImageSize);
        return new LatencyMeter(profile, reference).Measure(bench);
    }
}
