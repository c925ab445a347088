using System.Diagnostics;
using NasPrune.Supernet.Runtime;

namespace NasPrune.Tests.Supernet.Runtime;

/// <summary>The busy-neighbour figure that timing commands log: the kernel counters' parsing and the arithmetic on them.</summary>
public sealed class CpuNeighboursTests
{
    private const string ProcStat = """
        cpu  1000 10 200 5000 40 0 30 20 0 0
        cpu0 500 5 100 2500 20 0 15 10 0 0
        cpu1 500 5 100 2500 20 0 15 10 0 0
        intr 12345
        ctxt 678
        """;

    // A process name with a space and a ')' in it: the fields must be counted after the last ')'.
    private const string SelfStat = "4242 (dotnet a) b) S 1 4242 4242 0 -1 4194304 126 0 0 0 300 45 0 0 20 0 9 0 8751763 3133440 407";

    [Fact]
    public void ParseSumsBusyAndTotalTicksAndReadsUtimePlusStime()
    {
        CpuSnapshot s = CpuNeighbours.Parse(ProcStat, SelfStat);
        Assert.Equal(2, s.Cpus);
        Assert.Equal(1000 + 10 + 200 + 0 + 30 + 20, s.BusyTicks);   // user nice system irq softirq steal
        Assert.Equal(s.BusyTicks + 5000 + 40, s.TotalTicks);        // + idle iowait
        Assert.Equal(300 + 45, s.OwnTicks);
    }

    [Fact]
    public void OthersAreTheMachinesBusyTicksLessThisProcesssPerWallTick()
    {
        var before = new CpuSnapshot(2, BusyTicks: 1000, TotalTicks: 3000, OwnTicks: 100);
        // 200 ticks of wall time on 2 CPUs = 400 total ticks; 300 busy, 100 of them this process's: others 1.0 CPU.
        var after = new CpuSnapshot(2, BusyTicks: 1300, TotalTicks: 3400, OwnTicks: 200);
        Assert.Equal(1.0, CpuNeighbours.OthersBusyCpus(before, after)!.Value, 10);
        Assert.Null(CpuNeighbours.OthersBusyCpus(before, before));
    }

    [Theory]
    [InlineData(0.4, 2, 2, false)]   // a shell and a logger: not crowding
    [InlineData(0.6, 2, 2, true)]    // more than half of one of the two CPUs a 2-thread measurement needs
    [InlineData(1.0, 2, 1, false)]   // a 1-thread measurement beside one busy CPU has the other
    [InlineData(1.6, 2, 1, true)]
    [InlineData(2.0, 2, 8, true)]    // more threads than CPUs: any neighbour crowds it
    public void CrowdsWhenNeighboursTakeMoreThanHalfACpuOfTheOnesNeeded(double busy, int cpus, int threads, bool crowds) =>
        Assert.Equal(crowds, CpuNeighbours.Crowds(busy, cpus, threads));

    [Fact]
    public void BadCountersAreAFormatErrorNotAWrongFigure()
    {
        Assert.Throws<FormatException>(() => CpuNeighbours.Parse("intr 1\n", SelfStat));
        Assert.Throws<FormatException>(() => CpuNeighbours.Parse(ProcStat, "4242 no-parenthesis S 1"));
        Assert.Throws<FormatException>(() => CpuNeighbours.Parse(ProcStat, "4242 (x) S 1 2 3"));
    }

    [Fact]
    public void OnLinuxThisProcesssOwnSpinningIsCountedAsItsOwnNotAsANeighbours()
    {
        if (CpuNeighbours.Take() is not { } before) return;   // no /proc: nothing to read (the product reports nothing there either)
        var clock = Stopwatch.StartNew();
        double sink = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(0.6)) sink += Math.Sqrt(sink + 1);
        CpuSnapshot after = CpuNeighbours.Take()!.Value;
        double wallTicks = (double)(after.TotalTicks - before.TotalTicks) / after.Cpus;
        // The spinning thread had at least a third of a CPU even beside other work; the kernel counts it as ours.
        Assert.True((after.OwnTicks - before.OwnTicks) / wallTicks > 0.3, $"own {after.OwnTicks - before.OwnTicks} of {wallTicks} wall ticks (sink {sink})");
    }
}
