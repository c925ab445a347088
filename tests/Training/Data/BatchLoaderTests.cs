using NasPrune.Tests.TestSupport;
using NasPrune.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training.Data;

public sealed class BatchLoaderTests
{
    /// <summary>Image i is filled with the value 10 + i and has label i % 10, so batches can be traced back.</summary>
    private static ImageDataset Traceable(int count, int size = 6)
    {
        var pixels = new byte[count * size * size];
        for (int i = 0; i < count; i++) pixels.AsSpan(i * size * size, size * size).Fill((byte)(10 + i));
        return new ImageDataset("traceable", pixels, Enumerable.Range(0, count).Select(i => i % 10).ToArray(), 1, size, size, 10);
    }

    private static readonly Normalization Unit = new([0f], [1f]);

    [Fact]
    public void SameSeedEpochAndBatchGiveBitIdenticalTensors()
    {
        using var scope = NewDisposeScope();
        var data = Traceable(40);
        var a = new BatchLoader(data, 8, Normalization.FashionMnist, Augmentation.Standard, true, true, seed: 5);
        var b = new BatchLoader(data, 8, Normalization.FashionMnist, Augmentation.Standard, true, true, seed: 5);
        a.GetBatch(0, 1, CPU);                       // a different history must not matter
        Batch x = a.GetBatch(3, 2, CPU), y = b.GetBatch(3, 2, CPU);
        TensorAssert.BitEqual(x.Images, y.Images);
        TensorAssert.BitEqual(x.Labels, y.Labels);
        Assert.NotEqual(a.Order(0), a.Order(1));
    }

    [Fact]
    public void ABatchTensorDoesNotChangeWhenTheLoaderReusesItsBuffer()
    {
        using var scope = NewDisposeScope();
        var loader = new BatchLoader(Traceable(16), 4, Unit, null, shuffle: false, dropLast: true, seed: 0);
        Batch first = loader.GetBatch(0, 0, CPU);
        Tensor copy = first.Images.clone();
        loader.GetBatch(0, 1, CPU);
        TensorAssert.BitEqual(copy, first.Images);
    }

    [Fact]
    public void EveryImageOnceAnEpochWithItsLabel()
    {
        using var scope = NewDisposeScope();
        var data = Traceable(23);
        var loader = new BatchLoader(data, 5, Unit, augmentation: null, shuffle: true, dropLast: false, seed: 1);
        Assert.Equal(5, loader.BatchesPerEpoch);
        var seen = new List<int>();
        for (int b = 0; b < loader.BatchesPerEpoch; b++)
        {
            Batch batch = loader.GetBatch(0, b, CPU);
            float[] images = batch.Images.data<float>().ToArray();
            long[] labels = batch.Labels.data<long>().ToArray();
            for (int i = 0; i < batch.Count; i++)
            {
                int index = (int)Math.Round(images[i * 36] * 255) - 10;
                Assert.Equal(index % 10, labels[i]);
                seen.Add(index);
            }
        }
        Assert.Equal(Enumerable.Range(0, 23), seen.Order());
    }

    [Fact]
    public void NormalisesExactlyAndAugmentsOnlyWithSourcePixelsOrPadding()
    {
        using var scope = NewDisposeScope();
        var data = Traceable(4);
        var plain = new BatchLoader(data, 4, Normalization.FashionMnist, null, false, false, 0).GetBatch(0, 0, CPU);
        float expected = (12 / 255f - 0.2860f) / 0.3530f;
        Assert.Equal(expected, plain.Images[2, 0, 3, 3].item<float>(), 5);

        var augmented = new BatchLoader(data, 4, Unit, new Augmentation(2, true), false, false, 9).GetBatch(0, 0, CPU);
        for (int i = 0; i < 4; i++)
        {
            var values = augmented.Images[i].data<float>().ToArray().Select(v => (int)Math.Round(v * 255)).Distinct();
            Assert.All(values, v => Assert.True(v == 0 || v == 10 + i, $"image {i} has pixel {v}"));
        }
    }
}
