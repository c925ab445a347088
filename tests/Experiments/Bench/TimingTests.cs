using NasPrune.Experiments.Bench;

namespace NasPrune.Tests.Experiments.Bench;

public sealed class TimingTests
{
    [Fact]
    public void InterleavedTimingTakesTurnsAndSetsEachVariantUpBeforeItsShare()
    {
        var log = new List<string>();
        double[] medians = Timing.InterleavedMedianSeconds(
            [(() => log.Add("set a"), () => log.Add("a")), (() => log.Add("set b"), () => { log.Add("b"); Thread.Sleep(5); })],
            warmup: 1, repeats: 4, rounds: 2);

        // Each round: set up, one warm-up and two timed runs per variant, a then b.
        string[] round = ["set a", "a", "a", "a", "set b", "b", "b", "b"];
        Assert.Equal(round.Concat(round), log);
        Assert.True(medians[1] > medians[0] && medians[1] >= 0.004, $"medians {medians[0]} and {medians[1]}: b sleeps 5 ms a run, a does not");
    }
}
