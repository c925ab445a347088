using NasPrune.LatencyTables.Devices;
using NasPrune.LatencyTables.Measurement;
using static TorchSharp.torch;

namespace NasPrune.Tests.LatencyTables;

/// <summary>The meter on a fake clock: benches advance it by their cost times the machine's current speed factor.</summary>
public sealed class LatencyMeterTests
{
    private static readonly DeviceProfile Profile = new() { Name = "test-cpu", Threads = 1, BatchSize = 1, Warmup = 0, Repeats = 8, Rounds = 2 };

    [Fact]
    public void WithASpeedReferenceTimingsAreScaledToItsUnitWhenTheMachineSlowsDown()
    {
        var machine = new FakeMachine();
        var items = new[] { 2.0, 3.0 };
        // Round 1: a probe (5 passes), 4 passes of each item, a closing probe: 18 passes at full speed; then half speed.
        machine.SlowDownAfter(18, factor: 2);
        using var reference = new SpeedReference(new FakeBench(machine, 1.0), unitMs: 1.0, name: "ref");
        var meter = new LatencyMeter(Profile, reference, machine.Clock);
        var samples = meter.MeasureInterleaved(items, ms => new FakeBench(machine, ms));

        Assert.Equal(2.0, samples[0].MedianMs, 9);
        Assert.Equal(3.0, samples[1].MedianMs, 9);
        Assert.Equal(3.0, samples[0].RawMedianMs, 9); // 4 timings of 2 ms and 4 of 4 ms
        Assert.Equal(4.5, samples[1].RawMedianMs, 9);
        Assert.Equal(8, samples[0].Repeats);

        var plain = new FakeMachine();
        plain.SlowDownAfter(8, factor: 2);
        var unscaled = new LatencyMeter(Profile, clock: plain.Clock).MeasureInterleaved(items, ms => new FakeBench(plain, ms));
        Assert.Equal(3.0, unscaled[0].MedianMs, 9); // no reference: as timed
        Assert.Equal(unscaled[0].MedianMs, unscaled[0].RawMedianMs);
    }

    [Fact]
    public void SlowItemsAreEachBracketedByTheirOwnProbes()
    {
        var machine = new FakeMachine();
        // Items of 100 ms: past the probe interval after each one, so each is probed before and after. The speed
        // halves right after the first item (5 + 4 passes): the second item and both its probes run at half speed.
        machine.SlowDownAfter(9, factor: 2);
        int referencePasses = 0;
        using var reference = new SpeedReference(new FakeBench(machine, 1.0, () => referencePasses++), unitMs: 1.0, name: "ref");
        var samples = new LatencyMeter(Profile with { Rounds = 1, Repeats = 4 }, reference, machine.Clock)
            .MeasureInterleaved(new[] { 100.0, 150.0 }, ms => new FakeBench(machine, ms));
        Assert.Equal(3 * SpeedReference.DefaultProbeRepeats, referencePasses); // before, between and after
        Assert.Equal(100.0 / 1.5, samples[0].MedianMs, 9); // a switch between two probes is taken as halfway
        Assert.Equal(150.0, samples[1].MedianMs, 9);
        Assert.Equal(300.0, samples[1].RawMedianMs, 9);
    }

    [Fact]
    public void ASingleItemIsProbedBetweenItsRounds()
    {
        var machine = new FakeMachine();
        machine.SlowDownAfter(5 + 4 + 5, factor: 3); // after the first round and its closing probe
        int referencePasses = 0;
        using var reference = new SpeedReference(new FakeBench(machine, 1.0, () => referencePasses++), unitMs: 1.0, name: "ref");
        using var item = new FakeBench(machine, 2.0);
        LatencySample sample = new LatencyMeter(Profile, reference, machine.Clock).Measure(item);
        Assert.Equal(Profile.Rounds * 2 * SpeedReference.DefaultProbeRepeats, referencePasses); // each round opens and closes with a probe
        Assert.Equal(2.0, sample.MedianMs, 9);
        Assert.Equal(4.0, sample.RawMedianMs, 9); // 4 timings of 2 ms, 4 of 6 ms
    }

    [Fact]
    public void ASlowReferenceIsProbedLessOften()
    {
        var machine = new FakeMachine();
        int referencePasses = 0;
        // A 20 ms reference: a probe (5 passes) takes 100 ms, so probes come every 1 s instead of every 0.25 s.
        using var reference = new SpeedReference(new FakeBench(machine, 20.0, () => referencePasses++), unitMs: 20.0, name: "ref");
        var items = Enumerable.Repeat(100.0, 10).ToArray(); // 4 passes of 100 ms: 0.4 s each
        new LatencyMeter(Profile with { Rounds = 1, Repeats = 4 }, reference, machine.Clock).MeasureInterleaved(items, ms => new FakeBench(machine, ms));
        // Opening probe, then one after items 3, 6, 9 (1.2 s each time) and the closing one after item 10.
        Assert.Equal(5 * SpeedReference.DefaultProbeRepeats, referencePasses);
    }

    [Fact]
    public void ANewReferenceFixesItsUnitAtTheMachinesCurrentSpeed()
    {
        var machine = new FakeMachine();
        machine.SlowDownAfter(0, factor: 1.5);
        using SpeedReference fresh = SpeedReference.Start(new FakeBench(machine, 2.0), "ref", warmup: 3, clock: machine.Clock);
        Assert.Equal(3.0, fresh.UnitMs, 9);
        using SpeedReference kept = SpeedReference.Start(new FakeBench(machine, 2.0), "ref", warmup: 3, unitMs: 2.5, clock: machine.Clock);
        Assert.Equal(2.5, kept.UnitMs);
    }

    /// <summary>A clock in microseconds that only moves when a bench runs, at a speed that drops after a given number of passes.</summary>
    private sealed class FakeMachine
    {
        private int _passes, _slowAfter = int.MaxValue;
        private double _factor = 1;
        public FakeClock Clock { get; } = new();

        public void SlowDownAfter(int passes, double factor) => (_slowAfter, _factor) = (passes, factor);

        public void Run(double ms) => Clock.Advance(ms * (_passes++ >= _slowAfter ? _factor : 1));
    }

    private sealed class FakeClock : TimeProvider
    {
        private long _microseconds;
        public override long TimestampFrequency => 1_000_000;
        public override long GetTimestamp() => _microseconds;
        public void Advance(double ms) => _microseconds += (long)Math.Round(ms * 1000);
    }

    private sealed class FakeBench(FakeMachine machine, double ms, Action? onPass = null) : IBench
    {
        public Tensor Forward()
        {
            onPass?.Invoke();
            machine.Run(ms);
            return zeros(1);
        }

        public void Dispose() { }
    }
}
