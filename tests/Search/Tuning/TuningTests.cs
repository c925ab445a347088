using NasPrune.Search.Tuning;

namespace NasPrune.Tests.Search.Tuning;

public sealed class TuningTests
{
    private static double Branin(double x1, double x2)
    {
        double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        return Math.Pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * Math.Cos(x1) + 10;
    }

    private static readonly double[] HartmannAlpha = [1.0, 1.2, 3.0, 3.2];
    private static readonly double[,] HartmannA = { { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 } };
    private static readonly double[,] HartmannP =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    private static double Hartmann6(double[] x) =>
        -Enumerable.Range(0, 4).Sum(i => HartmannAlpha[i] * Math.Exp(-Enumerable.Range(0, 6).Sum(j => HartmannA[i, j] * Math.Pow(x[j] - HartmannP[i, j], 2))));

    private static double Best(ISampler sampler, Func<Trial, double> objective, int trials)
    {
        var study = new Study(StudyDirection.Minimize, sampler, null, new InMemoryStorage());
        study.Optimize(objective, trials);
        return study.Best()!.Value!.Value;
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    [Fact]
    public void TpeBeatsRandomOnBraninAndHartmannInTheMedianOfTwentySeeds()
    {
        double BraninTrial(Trial t) => Branin(t.SuggestFloat("x1", -5, 10), t.SuggestFloat("x2", 0, 15));
        double HartmannTrial(Trial t) => Hartmann6(Enumerable.Range(0, 6).Select(i => t.SuggestFloat($"x{i}", 0, 1)).ToArray());
        foreach (var (name, objective, trials) in new (string, Func<Trial, double>, int)[] { ("branin", BraninTrial, 60), ("hartmann6", HartmannTrial, 80) })
        {
            double tpe = Median(Enumerable.Range(0, 20).Select(s => Best(new TpeSampler((ulong)s), objective, trials)));
            double random = Median(Enumerable.Range(0, 20).Select(s => Best(new RandomSampler((ulong)s), objective, trials)));
            Assert.True(tpe < random, $"{name}: TPE median best {tpe:F4} vs random {random:F4}");
        }
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
