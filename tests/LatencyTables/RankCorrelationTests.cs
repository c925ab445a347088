using NasPrune.LatencyTables.Statistics;

namespace NasPrune.Tests.LatencyTables;

public sealed class RankCorrelationTests
{
    [Fact]
    public void KnownValues()
    {
        double[] x = [1, 2, 3, 4, 5];
        Assert.Equal(1.0, RankCorrelation.Spearman(x, [2, 4, 6, 8, 100]), 12);
        Assert.Equal(-1.0, RankCorrelation.KendallTauB(x, [5, 4, 3, 2, 1]), 12);
        // One swapped pair out of 10: tau = (9 - 1) / 10; rho = 1 - 6 * 2 / (5 * 24) = 0.9.
        Assert.Equal(0.8, RankCorrelation.KendallTauB(x, [1, 2, 3, 5, 4]), 12);
        Assert.Equal(0.9, RankCorrelation.Spearman(x, [1, 2, 3, 5, 4]), 12);
        // Ties: average ranks, tau-b correction (scipy.stats.kendalltau([1,2,2,3],[1,2,3,3]) = 0.8).
        Assert.Equal([1.0, 2.5, 2.5, 4.0], RankCorrelation.Ranks([1, 2, 2, 3]));
        Assert.Equal(0.8, RankCorrelation.KendallTauB([1, 2, 2, 3], [1, 2, 3, 3]), 12);
        Assert.Throws<ArgumentException>(() => RankCorrelation.Spearman([1], [1]));
    }
}
