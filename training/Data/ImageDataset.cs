namespace NasPrune.Training.Data;

/// <summary>
/// An in-memory image classification set: pixels as bytes in N x C x H x W order and one label per
/// image. Bytes (not floats) keep Fashion-MNIST's 60,000 images at 47 MB; batches are converted once
/// per batch into a reusable float buffer by <see cref="BatchLoader"/>.
/// </summary>
public sealed class ImageDataset
{
    private readonly byte[] _pixels;
    private readonly int[] _labels;

    public ImageDataset(string name, byte[] pixels, int[] labels, int channels, int height, int width, int classes)
    {
        if (channels <= 0 || height <= 0 || width <= 0) throw new ArgumentException($"{name}: image shape must be positive");
        if (pixels.LongLength != (long)labels.Length * channels * height * width)
            throw new ArgumentException($"{name}: {pixels.LongLength} pixel bytes do not match {labels.Length} images of {channels}x{height}x{width}");
        foreach (int label in labels)
            if ((uint)label >= (uint)classes) throw new ArgumentException($"{name}: label {label} outside [0, {classes})");
        Name = name;
        _pixels = pixels;
        _labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        Classes = classes;
    }

    public string Name { get; }
    public int Count => _labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Classes { get; }
    public int ImageSize => Channels * Height * Width;

    public ReadOnlySpan<byte> Image(int index) => _pixels.AsSpan(index * ImageSize, ImageSize);

    public int Label(int index) => _labels[index];

    /// <summary>Images [start, start + count) as a new set (copied).</summary>
    public ImageDataset Slice(string name, int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"{Name}: slice [{start}, {start + count}) outside {Count} images");
        return new ImageDataset(name, _pixels.AsSpan(start * ImageSize, count * ImageSize).ToArray(),
            _labels.AsSpan(start, count).ToArray(), Channels, Height, Width, Classes);
    }

    /// <summary>The images at <paramref name="indices"/>, in that order, as a new set (copied).</summary>
    public ImageDataset Select(string name, IReadOnlyList<int> indices)
    {
        var pixels = new byte[(long)indices.Count * ImageSize];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * ImageSize, ImageSize));
            labels[i] = _labels[indices[i]];
        }
        return new ImageDataset(name, pixels, labels, Channels, Height, Width, Classes);
    }
}
