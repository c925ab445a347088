using NasPrune.Search.Constraints;
using NasPrune.Search.Evolution;
using NasPrune.Search.Verification;
using NasPrune.Supernet.Ofa;

namespace NasPrune.Tests.Search;

/// <summary>
/// The verified search's rounds, on a real evolution whose objective is "as many MACs as the budget lets it
/// have" (so every pick sits at its limit) and a fake device that runs every network a fixed factor slower
/// or faster than the table predicts.
/// </summary>
public sealed class MeasuredLatencyFitTests
{
    private static readonly OfaSearchSpace Space = OfaSearchSpace.Default(0.5);
    private static readonly EvolutionOptions Small = new() { Population = 30, Generations = 20, MaxDraws = 2000 };

    /// <summary>Objective: MACs (bigger is better); predicted latency: 1 ms per M MACs.</summary>
    private sealed class BiggestScorer : ICandidateScorer
    {
        public double[] Objective(IReadOnlyList<SubnetConfig> candidates) => candidates.Select(c => (double)SubnetCost.Of(c).Macs).ToArray();

        public CandidateCost Cost(SubnetConfig candidate)
        {
            var (macs, parameters) = SubnetCost.Of(candidate);
            return new CandidateCost(macs / 1e6, macs, parameters);
        }
    }

    private static readonly double SmallestMs = SubnetCost.Of(SubnetConfig.Smallest(Space)).Macs / 1e6;
    private static readonly double LargestMs = SubnetCost.Of(SubnetConfig.Largest(Space)).Macs / 1e6;

    private static (MeasuredFit Fit, List<double> Limits) Run(double budgetMs, int rounds, double deviceFactor)
    {
        var limits = new List<double>();
        MeasuredFit fit = MeasuredLatencyFit.Run(budgetMs, rounds,
            limit =>
            {
                limits.Add(limit);
                return EvolutionFinder.Search(Space, new BiggestScorer(), new SearchConstraints(MaxLatencyMs: limit), Small, seed: 3);
            },
            pick => deviceFactor * pick.Cost.LatencyMs);
        return (fit, limits);
    }

    [Fact]
    public void APickTheTableUnderPredictsIsReplacedByOneFoundUnderALimitLoweredByItsError()
    {
        double budget = SmallestMs + 0.5 * (LargestMs - SmallestMs);
        var (fit, limits) = Run(budget, rounds: 3, deviceFactor: 1.15);

        Assert.Equal(2, fit.Rounds.Count);
        FitRound first = fit.Rounds[0], second = fit.Rounds[1];
        Assert.Equal(budget, first.LimitMs);
        Assert.True(first.MeasuredMs > budget, $"the first pick ({first.Result.Best.Cost.LatencyMs} ms predicted) must measure over {budget}");
        // The lowered limit is where the first pick's error ratio lands on the budget.
        Assert.Equal(budget * first.Result.Best.Cost.LatencyMs / first.MeasuredMs, second.LimitMs, 12);
        Assert.Equal(limits, fit.Rounds.Select(r => r.LimitMs));
        Assert.True(second.Result.Best.Cost.LatencyMs <= second.LimitMs);
        Assert.True(fit.WithinBudget);
        Assert.Equal(1.15 * second.Result.Best.Cost.LatencyMs, fit.Final.MeasuredMs, 12);
        Assert.True(fit.Final.MeasuredMs <= budget);
        Assert.Equal(2, fit.Final.Round);
    }

    [Fact]
    public void APickWithinTheBudgetEndsTheFitAfterOneSearch()
    {
        double budget = SmallestMs + 0.5 * (LargestMs - SmallestMs);
        var (fit, limits) = Run(budget, rounds: 3, deviceFactor: 0.9);
        FitRound only = Assert.Single(fit.Rounds);
        Assert.Equal([budget], limits);
        Assert.True(fit.WithinBudget);
        Assert.Equal(0.9 * only.Result.Best.Cost.LatencyMs, only.MeasuredMs, 12);
    }

    [Fact]
    public void WhenTheRoundsRunOutTheLastPickIsReturnedAndSaidToBeOverBudget()
    {
        double budget = SmallestMs + 0.5 * (LargestMs - SmallestMs);
        var (fit, _) = Run(budget, rounds: 1, deviceFactor: 1.15);
        Assert.Single(fit.Rounds);
        Assert.False(fit.WithinBudget);
    }

    [Fact]
    public void ALoweredLimitBelowEveryNetworkEndsTheFitOverBudgetInsteadOfFailing()
    {
        // The device is 10x slower than the table: the lowered limit is about a tenth of the budget, below the smallest network.
        double budget = SmallestMs + 0.3 * (LargestMs - SmallestMs);
        var (fit, limits) = Run(budget, rounds: 3, deviceFactor: 10);
        Assert.Equal(2, limits.Count);
        Assert.True(limits[1] < SmallestMs);
        Assert.Single(fit.Rounds);
        Assert.False(fit.WithinBudget);
    }

    [Fact]
    public void AnUnreachableBudgetInTheFirstRoundIsStillAnError() =>
        Assert.Throws<UnreachableBudgetException>(() => Run(0.5 * SmallestMs, rounds: 3, deviceFactor: 1));

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 0)]
    public void BadArgumentsAreRefused(double budget, int rounds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MeasuredLatencyFit.Run(budget, rounds, _ => throw new InvalidOperationException(), _ => 0));
}
