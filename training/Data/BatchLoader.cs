using NasPrune.Supernet.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Training.Data;

/// <summary>
/// Turns an <see cref="ImageDataset"/> into batches. A batch is a pure function of (seed, epoch, batch
/// index): the epoch's order is a Fisher-Yates shuffle seeded by (seed, epoch), and the batch's
/// augmentation is seeded by (seed, epoch, batch). So a resumed run sees exactly the batches an
/// uninterrupted run would. Pixels are converted in one reusable managed buffer and become one
/// tensor per batch: no per-image tensors.
/// </summary>
public sealed class BatchLoader
{
    private const ulong AugmentationStream = 0xA06;
    private readonly ImageDataset _data;
    private readonly int _batchSize;
    private readonly Augmentation? _augmentation;
    private readonly bool _shuffle;
    private readonly ulong _seed;
    private readonly float[] _scale;   // per channel: 1 / (255 * std)
    private readonly float[] _offset;  // per channel: -mean / std
    private readonly float[] _images;
    private readonly long[] _labels;
    private int _orderEpoch = -1;
    private int[] _order = [];

    public BatchLoader(ImageDataset data, int batchSize, Normalization normalization, Augmentation? augmentation, bool shuffle, bool dropLast, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (normalization.Mean.Count != data.Channels || normalization.Std.Count != data.Channels)
            throw new ArgumentException($"normalisation has {normalization.Mean.Count} channels, {data.Name} has {data.Channels}");
        _data = data;
        _batchSize = batchSize;
        _augmentation = augmentation;
        _shuffle = shuffle;
        _seed = seed;
        _scale = normalization.Std.Select(s => 1f / (255f * s)).ToArray();
        _offset = normalization.Mean.Zip(normalization.Std, (m, s) => -m / s).ToArray();
        _images = new float[batchSize * data.ImageSize];
        _labels = new long[batchSize];
        BatchesPerEpoch = dropLast ? data.Count / batchSize : (data.Count + batchSize - 1) / batchSize;
        if (BatchesPerEpoch == 0)
            throw new ArgumentException($"{data.Name}: {data.Count} images make no batch of {batchSize}");
    }

    public int BatchesPerEpoch { get; }

    /// <summary>The <paramref name="index"/>-th batch counted across epochs (epoch = index / batches per epoch).</summary>
    public Batch BatchAt(long index, Device device) => GetBatch((int)(index / BatchesPerEpoch), (int)(index % BatchesPerEpoch), device);

    public Batch GetBatch(int epoch, int batchIndex, Device device)
    {
        if ((uint)batchIndex >= (uint)BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(batchIndex), $"batch {batchIndex} outside [0, {BatchesPerEpoch})");
        int[] order = Order(epoch);
        int start = batchIndex * _batchSize;
        int count = Math.Min(_batchSize, _data.Count - start);
        var random = new SplitMix64(SplitMix64.Mix(_seed, (ulong)epoch, (ulong)batchIndex, AugmentationStream));
        for (int i = 0; i < count; i++)
        {
            int index = order[start + i];
            Fill(_data.Image(index), _images.AsSpan(i * _data.ImageSize, _data.ImageSize), random);
            _labels[i] = _data.Label(index);
        }
        long[] shape = [count, _data.Channels, _data.Height, _data.Width];
        Tensor images = count == _batchSize ? tensor(_images, shape) : tensor(_images.AsSpan(0, count * _data.ImageSize).ToArray(), shape);
        Tensor labels = tensor(_labels.AsSpan(0, count).ToArray(), [count]);
        if (device.type != DeviceType.CPU)
        {
            images = images.to(device);
            labels = labels.to(device);
        }
        return new Batch(images, labels, count);
    }

    /// <summary>The epoch's image order (the identity without shuffling); only the current epoch's is kept.</summary>
    public int[] Order(int epoch)
    {
        if (epoch == _orderEpoch) return _order;
        int[] order = Enumerable.Range(0, _data.Count).ToArray();
        if (_shuffle)
        {
            var random = new SplitMix64(SplitMix64.Mix(_seed, (ulong)epoch));
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        (_order, _orderEpoch) = (order, epoch);
        return order;
    }

    /// <summary>Normalises one image into <paramref name="target"/>, cropping and flipping it when augmenting.</summary>
    private void Fill(ReadOnlySpan<byte> image, Span<float> target, SplitMix64 random)
    {
        int h = _data.Height, w = _data.Width, plane = h * w;
        int dy = 0, dx = 0;
        bool flip = false;
        if (_augmentation is { } a)
        {
            dy = random.NextInt(2 * a.Padding + 1) - a.Padding;
            dx = random.NextInt(2 * a.Padding + 1) - a.Padding;
            flip = a.HorizontalFlip && random.NextInt(2) == 1;
        }
        for (int c = 0; c < _data.Channels; c++)
        {
            float scale = _scale[c], offset = _offset[c];
            ReadOnlySpan<byte> source = image.Slice(c * plane, plane);
            Span<float> destination = target.Slice(c * plane, plane);
            for (int y = 0; y < h; y++)
            {
                int sy = y + dy;
                for (int x = 0; x < w; x++)
                {
                    int sx = (flip ? w - 1 - x : x) + dx;
                    byte value = (uint)sy < (uint)h && (uint)sx < (uint)w ? source[sy * w + sx] : (byte)0;
                    destination[y * w + x] = value * scale + offset;
                }
            }
        }
    }
}
