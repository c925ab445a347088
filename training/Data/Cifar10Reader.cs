namespace NasPrune.Training.Data;

/// <summary>
/// CIFAR-10 in its binary format: data_batch_1..5.bin and test_batch.bin, records of one label byte
/// and 3072 pixel bytes (3x32x32, channel-major). The last <c>validationSize</c> training images are
/// the validation split.
/// </summary>
public static class Cifar10Reader
{
    private const int RecordSize = 1 + 3 * 32 * 32;

    public static DataSplits Load(string root, int validationSize = 5_000, int trainSubset = 0)
    {
        if (!Directory.Exists(root)) throw new DatasetException($"data root '{root}' does not exist (expected data_batch_1.bin ... test_batch.bin)");
        ImageDataset all = Read(Enumerable.Range(1, 5).Select(i => Path.Combine(root, $"data_batch_{i}.bin")).ToArray(), "cifar10/train");
        ImageDataset test = Read([Path.Combine(root, "test_batch.bin")], "cifar10/test");
        if (validationSize >= all.Count)
            throw new DatasetException($"data.validationSize: {validationSize} leaves no training images of the {all.Count} in {root}");
        int trainCount = all.Count - validationSize;
        if (trainSubset > 0) trainCount = Math.Min(trainCount, trainSubset);
        return new DataSplits(all.Slice("cifar10/train", 0, trainCount), all.Slice("cifar10/validation", all.Count - validationSize, validationSize),
            test, Normalization.Cifar10);
    }

    private static ImageDataset Read(string[] paths, string name)
    {
        var files = new List<(string Path, byte[] Data)>();
        foreach (string path in paths)
        {
            if (!File.Exists(path)) throw new DatasetException($"{path}: file not found");
            byte[] data = File.ReadAllBytes(path);
            if (data.Length == 0 || data.Length % RecordSize != 0)
                throw new DatasetException($"{path}: {data.Length} bytes is not a whole number of {RecordSize}-byte CIFAR-10 records");
            files.Add((path, data));
        }
        int count = files.Sum(f => f.Data.Length / RecordSize);
        var pixels = new byte[(long)count * (RecordSize - 1)];
        var labels = new int[count];
        int index = 0;
        foreach (var (path, data) in files)
        {
            for (int r = 0; r < data.Length / RecordSize; r++, index++)
            {
                int label = data[r * RecordSize];
                if (label > 9) throw new DatasetException($"{path}: record {r} has label {label}, expected 0..9");
                labels[index] = label;
                data.AsSpan(r * RecordSize + 1, RecordSize - 1).CopyTo(pixels.AsSpan(index * (RecordSize - 1)));
            }
        }
        return new ImageDataset(name, pixels, labels, 3, 32, 32, 10);
    }
}
