using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training.Loops;

public sealed class ResolutionSweepTests
{
    private static readonly Device Cpu = CPU;

    [Fact]
    public void EachResolutionIsMeasuredAfterRecalibrationThereAndTheNetworkIsLeftAsFound()
    {
        DataSplits data = RandomData();
        using var supernet = ExtractionTests.Perturbed(seed: 4);
        SubnetConfig config = SubnetSampler.Sample(TinySpace.Space, 7);
        using StaticOfaNet swept = SubnetExtractor.Extract(supernet, config);
        using StaticOfaNet reference = SubnetExtractor.Extract(supernet, config);
        swept.train();
        var before = swept.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        var reported = new List<ResolutionRow>();
        var rows = ResolutionSweep.Run(swept, data, data.Test, [32, 24], recalibrationImages: 30, recalibrationSeed: 5, evalBatchSize: 16, Cpu, reported.Add);
        Assert.Equal(rows, reported);

        // The hand-made measurement at 24: recalibrate a fresh copy there, evaluate there.
        BnRecalibration.Recalibrate(reference, RecalibrationImages.Batches(data.Train, data.Normalization, 30, 24, 5, Cpu));
        EvaluationResult expected = Evaluator.Evaluate(reference, data.Test, data.Normalization, 16, Cpu, 24);
        Assert.Equal([32, 24], rows.Select(r => r.Resolution));
        Assert.Equal(expected.Loss, rows[1].Loss);
        Assert.Equal(expected.Top1, rows[1].Top1);
        Assert.Equal(data.Test.Count, rows[1].Images);
        Assert.NotEqual(rows[0].Loss, rows[1].Loss);

        // Left as found: same mode, same statistics, so a sweep of 24 alone gives the same row.
        Assert.True(swept.training);
        foreach (var (name, value) in swept.state_dict()) TensorAssert.BitEqual(before[name], value, name);
        var alone = ResolutionSweep.Run(swept, data, data.Test, [24], 30, 5, 16, Cpu);
        Assert.Equal(rows[1], alone[0]);
    }

    [Theory]
    [InlineData("20,x", "'x' is not an integer")]
    [InlineData("20,4", "4 is outside the allowed [8, 1024]")]
    [InlineData("24,24", "only once")]
    [InlineData(" , ", "at least one size")]
    public void BadResolutionListsGetOneLineNamingTheOption(string text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => ResolutionSweep.Parse(text));
        Assert.StartsWith("--resolutions: ", error.Message);
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ParsesACommaSeparatedList() => Assert.Equal([20, 24, 32], ResolutionSweep.Parse("20, 24,32"));

    private static DataSplits RandomData()
    {
        var random = new Random(3);
        ImageDataset Split(string name, int count)
        {
            var pixels = new byte[count * 28 * 28];
            random.NextBytes(pixels);
            return new ImageDataset(name, pixels, Enumerable.Range(0, count).Select(i => i % 10).ToArray(), 1, 28, 28, 10);
        }
        return new DataSplits(Split("train", 50), Split("validation", 20), Split("test", 40), new Normalization([0.3f], [0.3f]));
    }
}
