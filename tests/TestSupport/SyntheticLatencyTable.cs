using System.Text.Json;
using NasPrune.LatencyTables.Devices;
using NasPrune.LatencyTables.Operators;
using NasPrune.LatencyTables.Tables;
using NasPrune.Supernet.Ofa;

namespace NasPrune.Tests.TestSupport;

/// <summary>Latency-table pieces without measuring: a row per operator of a space, and a device profile file.</summary>
public static class SyntheticLatencyTable
{
    /// <summary>One row per operator of <paramref name="space"/>, measured "with" <paramref name="profile"/>; medians 0.01 ms unless <paramref name="median"/> draws them.</summary>
    public static List<LutRow> Rows(OfaSearchSpace space, DeviceProfile profile, Func<double>? median = null, double? referenceMs = null) =>
        LatencyOperators.All(space)
            .Select(o => new LutRow { Key = o.Key, MedianMs = median?.Invoke() ?? 0.01, ProfileHash = profile.Hash(), ReferenceMs = referenceMs })
            .ToList();

    /// <summary>Writes <paramref name="profile"/> as a device file (what --device takes) and returns its path.</summary>
    public static string WriteDevice(TempFolder temp, DeviceProfile profile)
    {
        string path = temp.File("device.json");
        File.WriteAllText(path, JsonSerializer.Serialize(profile, OfaSearchSpace.JsonOptions));
        return path;
    }
}
