using System.Text.Json.Nodes;
using NasPrune.LatencyTables.Checks;
using NasPrune.LatencyTables.Devices;
using NasPrune.LatencyTables.Operators;
using NasPrune.LatencyTables.Tables;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Serialization;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;

namespace NasPrune.Tests.Experiments;

/// <summary>`nasprune lut check` and `lut profile` as a user runs them.</summary>
public sealed class LutCommandProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void ACheckWithASupernetOfAnotherSpaceIsRefusedWithOneLine()
    {
        var profile = new DeviceProfile { Name = "test-cpu", Threads = 1, BatchSize = 1, Warmup = 0, Repeats = 2, Rounds = 1 };
        string device = SyntheticLatencyTable.WriteDevice(_temp, profile);
        OfaSearchSpace space = OfaSearchSpace.Default(0.5); // the supernet below is of the tiny test space
        string lut = _temp.File("lut.csv");
        CsvTable.Write(lut, SyntheticLatencyTable.Rows(space, profile));
        new LutMetadata(space, profile, LutCalibration.Unscaled(space.Resolutions.ToDictionary(r => r, _ => 0.1)), 0, 28).Write(lut);
        string supernet = _temp.File("supernet.npta");
        using (var net = ExtractionTests.Perturbed(2)) SupernetFile.Write(supernet, net);

        var (code, text) = NasPruneProcess.Run("lut", "check", "--device", device, "--lut", lut, "--supernet", supernet, "--networks", "2");
        Assert.Equal(2, code);
        Assert.Contains("--supernet: its search space", text);
        Assert.DoesNotContain("   at ", text);
        Assert.False(Directory.Exists(Path.ChangeExtension(lut, null) + "-check")); // refused before anything is written
    }

    [Fact]
    public void AProfileWritesARowPerPartOfEachNetworkAndRefusesABadArchWithOneLine()
    {
        var (device, lut, supernet) = TinyTableAndSupernet();
        OfaSearchSpace space = TinySpace.Space;
        SubnetConfig a = SubnetConfig.Largest(space), b = SubnetSampler.Sample(space, 8);
        string csv = _temp.File("profile.csv");

        var (code, text) = NasPruneProcess.Run("lut", "profile", "--device", device, "--lut", lut, "--supernet", supernet, "--arch", a.ToString(), b.ToString(), "--out", csv);
        Assert.True(code == 0, text);
        var rows = CsvTable.Read<InSituRow>(csv);
        string[] Keys(SubnetConfig c) => [InSituProfile.ResizeKey, .. LatencyOperators.Of(c).Select(o => o.Key)];
        Assert.Equal([.. Keys(a), .. Keys(b)], rows.Select(r => r.Key));
        Assert.Equal(Keys(a).Length, rows.Count(r => r.Arch == a.ToString()));
        // The profile times networks, so it says how busy other processes kept the machine meanwhile (Linux: /proc).
        if (OperatingSystem.IsLinux()) Assert.Matches(@"Other processes kept [0-9.]+ of [0-9]+ CPUs busy on average during the profile", text);

        (code, text) = NasPruneProcess.Run("lut", "profile", "--device", device, "--lut", lut, "--arch", "r99-nonsense");
        Assert.Equal(2, code);
        Assert.Contains("arch", text);
        Assert.DoesNotContain("   at ", text);
    }

    [Fact]
    public void ACheckWritesItsRowsAndASummaryThatSaysHowBusyTheMachineWas()
    {
        var (device, lut, supernet) = TinyTableAndSupernet();
        string folder = _temp.File("check");
        var (code, text) = NasPruneProcess.Run("lut", "check", "--device", device, "--lut", lut, "--supernet", supernet, "--networks", "3", "--out", folder);
        Assert.True(code == 0, text);
        Assert.Equal(3, CsvTable.Read<LatencyCheckRow>(Path.Combine(folder, "networks.csv")).Count);
        JsonObject summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!.AsObject();
        Assert.Equal(3, summary["networks"]!.GetValue<int>());
        if (OperatingSystem.IsLinux())
        {
            double busy = summary["othersBusyCpus"]!.GetValue<double>();
            Assert.InRange(busy, 0, Environment.ProcessorCount);
            Assert.Contains("CPUs busy on average during the latency check", text);
        }
    }

    /// <summary>A synthetic finished table of the tiny space for a 1-thread profile, and a supernet of that space.</summary>
    private (string Device, string Lut, string Supernet) TinyTableAndSupernet()
    {
        var profile = new DeviceProfile { Name = "test-cpu", Threads = 1, BatchSize = 1, Warmup = 0, Repeats = 2, Rounds = 1 };
        string device = SyntheticLatencyTable.WriteDevice(_temp, profile);
        OfaSearchSpace space = TinySpace.Space;
        string lut = _temp.File("lut.csv");
        CsvTable.Write(lut, SyntheticLatencyTable.Rows(space, profile));
        new LutMetadata(space, profile, LutCalibration.Unscaled(space.Resolutions.ToDictionary(r => r, _ => 0.1)), 0, 28).Write(lut);
        string supernet = _temp.File("supernet.npta");
        using (var net = ExtractionTests.Perturbed(2)) SupernetFile.Write(supernet, net);
        return (device, lut, supernet);
    }

    public void Dispose() => _temp.Dispose();
}
