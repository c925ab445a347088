namespace NasPrune.Training.Data;

/// <summary>
/// Fashion-MNIST from IDX files (Debian's dataset-fashion-mnist: gzip, in <see cref="DebianRoot"/>).
/// Splits are fixed: the last <c>validationSize</c> (default 10,000) training images are the
/// validation split; the rest is the train split; the t10k files are the test split.
/// </summary>
public static class FashionMnist
{
    public const string DebianRoot = "/usr/share/datasets/fashion-mnist";
    public const string EnvironmentVariable = "NASPRUNE_DATA";
    private static readonly string[] Files =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>The configured folder if given, else $NASPRUNE_DATA if set, else the Debian folder.</summary>
    public static string ResolveRoot(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? DebianRoot : fromEnvironment;
    }

    public static DataSplits Load(string root, int validationSize = 10_000, int trainSubset = 0)
    {
        RequireRoot(root);
        ImageDataset all = ReadPair(root, "train");
        ImageDataset test = ReadPair(root, "t10k");
        if (validationSize >= all.Count)
            throw new DatasetException($"data.validationSize: {validationSize} leaves no training images of the {all.Count} in {root}");
        int trainCount = all.Count - validationSize;
        if (trainSubset > 0) trainCount = Math.Min(trainCount, trainSubset);
        return new DataSplits(
            all.Slice("fashion-mnist/train", 0, trainCount),
            all.Slice("fashion-mnist/validation", all.Count - validationSize, validationSize),
            test,
            Normalization.FashionMnist);
    }

    /// <summary>Which of the four files exist, their sizes and item counts (header only).</summary>
    public static IReadOnlyList<DatasetFileInfo> Probe(string root) =>
        Files.Select(name =>
        {
            string? path = Find(root, name);
            if (path is null) return new DatasetFileInfo(name, null, 0, 0);
            int items;
            try { items = IdxReader.PeekCount(path); }
            catch (DatasetException) { items = -1; }
            return new DatasetFileInfo(name, path, new FileInfo(path).Length, items);
        }).ToList();

    private static ImageDataset ReadPair(string root, string prefix)
    {
        string imagesPath = Require(root, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Require(root, $"{prefix}-labels-idx1-ubyte");
        var (pixels, count, rows, cols) = IdxReader.ReadImages(imagesPath);
        int[] labels = IdxReader.ReadLabels(labelsPath);
        if (labels.Length != count)
            throw new DatasetException($"{imagesPath} has {count} images but {labelsPath} has {labels.Length} labels");
        int bad = Array.FindIndex(labels, l => l is < 0 or > 9);
        if (bad >= 0) throw new DatasetException($"{labelsPath}: label {labels[bad]} at index {bad} is outside 0..9");
        return new ImageDataset($"fashion-mnist/{prefix}", pixels, labels, 1, rows, cols, 10);
    }

    private static void RequireRoot(string root)
    {
        if (!Directory.Exists(root))
            throw new DatasetException($"data root '{root}' does not exist; install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or set data.root / {EnvironmentVariable}");
    }

    private static string Require(string root, string name) =>
        Find(root, name) ?? throw new DatasetException($"{Path.Combine(root, name + ".gz")}: file not found (nor without .gz)");

    private static string? Find(string root, string name) =>
        new[] { Path.Combine(root, name + ".gz"), Path.Combine(root, name) }.FirstOrDefault(File.Exists);
}
