using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training.Loops;

/// <summary>The per-image predictions an evaluation can hand back (nasprune eval --predictions).</summary>
public sealed class EvaluatorPredictionsTests
{
    [Fact]
    public void PredictionsAreEachImagesArgMaxInTheSplitsOrderAtAnyBatchSize()
    {
        var random = new Random(11);
        var pixels = new byte[45 * 28 * 28];
        random.NextBytes(pixels);
        var split = new ImageDataset("test", pixels, Enumerable.Range(0, 45).Select(i => (i * 7) % 10).ToArray(), 1, 28, 28, 10);
        var normalization = new Normalization([0.3f], [0.3f]);
        manual_seed(5);
        using var model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10));

        var atSeven = new List<int>();
        EvaluationResult result = Evaluator.Evaluate(model, split, normalization, 7, CPU, predictions: atSeven);
        var whole = new List<int>();
        Evaluator.Evaluate(model, split, normalization, 45, CPU, predictions: whole);

        // The same images through the model in one go, without the evaluator.
        using var scope = NewDisposeScope();
        Batch all = new BatchLoader(split, 45, normalization, augmentation: null, shuffle: false, dropLast: false, seed: 0).GetBatch(0, 0, CPU);
        int[] expected;
        using (no_grad()) expected = model.call(all.Images).argmax(1).to(ScalarType.Int32).data<int>().ToArray();

        Assert.Equal(expected, atSeven);
        Assert.Equal(expected, whole);
        Assert.Equal(result.Top1, 100.0 * atSeven.Where((p, i) => p == split.Label(i)).Count() / split.Count, 10);
        Assert.InRange(expected.Distinct().Count(), 2, 10); // not a constant prediction, so the order is tested
    }
}
