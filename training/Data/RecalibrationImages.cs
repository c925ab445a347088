using NasPrune.Supernet.Ofa;
using static TorchSharp.torch;

namespace NasPrune.Training.Data;

/// <summary>
/// The images BN recalibration uses (design note: 2,000 training images in batches of 200): the first
/// <c>count</c> of a seeded shuffle of the train split, without augmentation, resized to the
/// sub-network's resolution. Batches are created lazily, in the consumer's dispose scope.
/// </summary>
public static class RecalibrationImages
{
    public const int DefaultCount = 2000;
    public const int DefaultBatch = 200;

    /// <summary>The one check of a recalibration image count, so a command can refuse it before loading anything.</summary>
    public static void CheckCount(int count)
    {
        if (count < 1) throw new ArgumentException($"--recalibrate: needs at least 1 image, got {count}");
    }

    public static IEnumerable<Tensor> Batches(ImageDataset train, Normalization normalization, int count, int resolution, ulong seed,
        Device device, int batchSize = DefaultBatch)
    {
        CheckCount(count);
        var loader = new BatchLoader(train, batchSize, normalization, augmentation: null, shuffle: true, dropLast: false, seed);
        int batches = (Math.Min(count, train.Count) + batchSize - 1) / batchSize;
        int left = Math.Min(count, train.Count);
        for (int b = 0; b < batches; b++, left -= batchSize)
        {
            Tensor images = loader.GetBatch(0, b, device).Images;
            if (left < batchSize) images = images.slice(0, 0, left, 1);
            yield return OfaInput.Resize(images, resolution);
        }
    }
}
