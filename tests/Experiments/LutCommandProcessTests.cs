using NasPrune.LatencyTables.Devices;
using NasPrune.LatencyTables.Tables;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Serialization;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;

namespace NasPrune.Tests.Experiments;

/// <summary>`nasprune lut check` as a user runs it.</summary>
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

    public void Dispose() => _temp.Dispose();
}
