using NasPrune.Search.Tuning;
using NasPrune.Search.Tuning.Benchmarks;

namespace NasPrune.Tests.Search.Tuning;

public sealed class TuningTests
{
    [Fact]
    public void TpeBeatsRandomOnBraninAndHartmannInTheMedianOfTwentySeeds()
    {
        var samplers = new Dictionary<string, Func<ulong, ISampler>> { ["tpe"] = s => new TpeSampler(s), ["random"] = s => new RandomSampler(s) };
        foreach (var (function, trials) in new[] { (TestFunction.Branin, 60), (TestFunction.Hartmann6, 80) })
        {
            var final = SamplerComparison.Run(function, samplers, trials, seeds: 20).Where(r => r.Trials == trials).ToDictionary(r => r.Sampler, r => r.Median);
            Assert.True(final["tpe"] < final["random"], $"{function.Name}: TPE median best {final["tpe"]:F4} vs random {final["random"]:F4}");
        }
    }

    [Fact]
    public void TpeLearnsFromPrunedTrialsAndStaysOutOfTheirRegion()
    {
        var study = new Study(StudyDirection.Maximize, new TpeSampler(1, startupTrials: 10), null, new InMemoryStorage());
        // Complete trials on [0, 0.6) peaking at 0.3; trials pruned early everywhere in [0.6, 1].
        for (int i = 0; i < 12; i++)
        {
            Trial t = study.Ask();
            double x = t.SuggestFloat("x", 0, 1);
            if (x >= 0.6)
            {
                t.Report(0, 10);
                study.TellPruned(t);
            }
            else study.Tell(t, 100 - Math.Abs(x - 0.3) * 100);
        }
        int inPrunedRegion = 0;
        for (int i = 0; i < 30; i++)
        {
            Trial t = study.Ask();
            double x = t.SuggestFloat("x", 0, 1);
            if (x >= 0.6) inPrunedRegion++;
            t.Report(0, x >= 0.6 ? 10 : 100 - Math.Abs(x - 0.3) * 100);
            if (x >= 0.6) study.TellPruned(t); else study.Tell(t, 100 - Math.Abs(x - 0.3) * 100);
        }
        Assert.True(inPrunedRegion <= 3, $"{inPrunedRegion} of 30 proposals in the pruned region");
    }

    [Fact]
    public void TheTestFunctionsHaveTheirKnownMinima()
    {
        Assert.Equal(0.397887, TestFunction.BraninValue(Math.PI, 2.275), 5);
        Assert.Equal(-3.32237, TestFunction.Hartmann6Value([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]), 5);
        Assert.Throws<ArgumentException>(() => TestFunction.Named("rosenbrock"));
    }

    [Fact]
    public void TheSamplerComparisonSummarisesBestSoFarOverSeeds()
    {
        var rows = SamplerComparison.Run(TestFunction.Branin, new Dictionary<string, Func<ulong, ISampler>> { ["random"] = s => new RandomSampler(s) }, trials: 5, seeds: 3);
        Assert.Equal(5, rows.Count);
        Assert.Equal([1, 2, 3, 4, 5], rows.Select(r => r.Trials));
        Assert.All(rows.Zip(rows.Skip(1)), pair => Assert.True(pair.Second.Median <= pair.First.Median)); // best so far never worsens
        Assert.All(rows, r => Assert.True(r.Q25 <= r.Median && r.Median <= r.Q75 && r.Median >= r.KnownMinimum));
        Assert.Equal(2.5, SamplerComparison.Quantile([1, 2, 3, 4], 0.5));
    }

    [Fact]
    public void ParametersAreRememberedAndTypedAndReproducible()
    {
        var study = new Study(StudyDirection.Maximize, new RandomSampler(3), null, new InMemoryStorage());
        Trial trial = study.Ask();
        double lr = trial.SuggestFloat("lr", 1e-4, 1, log: true);
        Assert.InRange(lr, 1e-4, 1);
        Assert.Equal(lr, trial.SuggestFloat("lr", 1e-4, 1, log: true));
        Assert.Throws<ArgumentException>(() => trial.SuggestFloat("lr", 1e-3, 1, log: true));
        int epochs = trial.SuggestInt("epochs", 2, 9);
        Assert.InRange(epochs, 2, 9);
        Assert.Contains(trial.SuggestCategorical("opt", ["sgd", "adam"]), new[] { "sgd", "adam" });
        var again = new Study(StudyDirection.Maximize, new RandomSampler(3), null, new InMemoryStorage()).Ask();
        Assert.Equal(lr, again.SuggestFloat("lr", 1e-4, 1, log: true));
    }

    [Fact]
    public void TheMedianPrunerStopsTrialsBelowTheMedianOnly()
    {
        var study = new Study(StudyDirection.Maximize, new RandomSampler(1), new MedianPruner(startupTrials: 3), new InMemoryStorage());
        for (int i = 0; i < 5; i++)
        {
            Trial done = study.Ask();
            for (int step = 0; step < 3; step++) done.Report(step, 50 + 10 * i + step);
            study.Tell(done, 50 + 10 * i + 2);
        }
        Trial bad = study.Ask();
        bad.Report(0, 40);
        Assert.True(bad.ShouldPrune());
        Trial good = study.Ask();
        good.Report(0, 85);
        Assert.False(good.ShouldPrune());
    }

    [Fact]
    public void SuccessiveHalvingKeepsTheBestThirdAtEachRung()
    {
        var study = new Study(StudyDirection.Minimize, new RandomSampler(1), new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3), new InMemoryStorage());
        var verdicts = new List<bool>();
        for (int i = 0; i < 9; i++)
        {
            Trial trial = study.Ask();
            trial.Report(1, 9 - i); // later trials are better
            verdicts.Add(trial.ShouldPrune());
            study.Tell(trial, 9 - i);
        }
        // With every earlier value at the rung worse, each new trial is the best so far and continues; the
        // first three (too few competitors to cut) continue too. A trial worse than the top third is pruned:
        Trial worst = study.Ask();
        worst.Report(1, 100);
        Assert.True(worst.ShouldPrune());
        Assert.All(verdicts, pruned => Assert.False(pruned));
        Trial early = study.Ask();
        early.Report(2, 100); // not a rung step
        Assert.False(early.ShouldPrune());
    }
}
