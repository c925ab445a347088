using NasPrune.Training.Optimization;

namespace NasPrune.Tests.Training;

public sealed class WarmupCosineScheduleTests
{
    [Fact]
    public void WarmsUpLinearlyThenDecaysByCosineToZero()
    {
        var s = new WarmupCosineSchedule(0.4, WarmupSteps: 4, TotalSteps: 14);
        Assert.Equal([0.1, 0.2, 0.3, 0.4], Enumerable.Range(0, 4).Select(i => Math.Round(s.At(i), 12)));
        Assert.Equal(0.4, s.At(4), 12);
        Assert.Equal(0.2, s.At(9), 12);                 // half way through the decay
        Assert.Equal(0.0, s.At(14), 12);
        Assert.True(s.At(10) < s.At(9));
    }

    [Fact]
    public void NoWarmupStartsAtThePeak() => Assert.Equal(1.0, new WarmupCosineSchedule(1.0, 0, 10).At(0), 12);
}
