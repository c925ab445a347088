using NasPrune.Predictors.Accuracy;
using NasPrune.Predictors.Encoding;
using NasPrune.Supernet.Ofa;
using NasPrune.Tests.TestSupport;

namespace NasPrune.Tests.Predictors;

public sealed class AccuracyPredictorTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private static readonly OfaSearchSpace Space = OfaSearchSpace.Default(0.5);

    [Fact]
    public void TheEncodingIsOneHotPerActiveSlotAndResolution()
    {
        var encoding = new ArchitectureEncoding(Space);
        Assert.Equal(20 * 6 + 4, encoding.Length);
        SubnetConfig config = SubnetConfig.Parse(Space, "r24-k35.357.3575.35.357-e34.346.3464.34.346");
        float[] x = encoding.Encode(config);
        Assert.Equal(2 * config.Depths.Sum() + 1, x.Sum());
        Assert.Equal(0, x.Skip(2 * 6).Take(2 * 6).Sum()); // stage 0 has depth 2: slots 2 and 3 are zero
        Assert.Equal([0f, 1f, 0f, 0f], x[^4..]);          // resolution 24 of 20/24/28/32
        Assert.Equal([1f, 0f, 0f, 1f, 0f, 0f], x[..6]);    // k3, e3
    }

    [Fact]
    public void ThePredictorLearnsASyntheticAccuracyFunction()
    {
        // A known, mostly additive "accuracy": bigger kernels, ratios, depths and resolutions help, with diminishing returns.
        var samples = Enumerable.Range(0, 600).Select(i => SubnetSampler.Sample(Space, (ulong)i))
            .Select(c => (c, Synthetic(c))).ToList();
        var (predictor, report) = PredictorTraining.Fit(Space, samples, new PredictorTrainingOptions { Seed = 1, MaxEpochs = 400, Patience = 40 });
        using (predictor)
        {
            double spread = Math.Sqrt(samples.Select(s => s.Item2).Select(a => (a - samples.Average(s => s.Item2)) * (a - samples.Average(s => s.Item2))).Average());
            Assert.True(report.HeldOutRmse < 0.25 * spread, $"held-out RMSE {report.HeldOutRmse:F3} vs spread {spread:F3}");
            Assert.True(report.HeldOutKendall > 0.8, $"Kendall {report.HeldOutKendall:F3}");
            Assert.Equal(120, report.HeldOutRows);

            string path = _temp.File("predictor.npta");
            predictor.Save(path);
            using AccuracyPredictor loaded = AccuracyPredictor.Load(path, Space);
            var probe = samples.Take(5).Select(s => s.c).ToList();
            Assert.Equal(predictor.Predict(probe), loaded.Predict(probe));
            var other = Space with { Resolutions = [16, 20, 24, 28, 32] };
            Assert.Contains("encoding", Assert.Throws<InvalidDataException>(() => AccuracyPredictor.Load(path, other)).Message);
        }
    }

    private static double Synthetic(SubnetConfig c)
    {
        double score = 80 + 0.05 * c.Resolution;
        for (int s = 0; s < Space.StageCount; s++)
            for (int b = 0; b < c.Depths[s]; b++)
                score += 0.15 * Math.Sqrt(c.Kernel(s, b)) + 0.1 * c.Expand(s, b) / (1 + b);
        return score;
    }

    public void Dispose() => _temp.Dispose();
}
