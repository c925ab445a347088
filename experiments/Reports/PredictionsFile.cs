using NasPrune.Supernet.Serialization;
using NasPrune.Training.Data;

namespace NasPrune.Experiments.Reports;

/// <summary>One image of an evaluated split: its position in the split, its label and the network's predicted class.</summary>
public sealed record PredictionRow(int Index, int Label, int Predicted);

/// <summary>
/// A network's prediction for every image of a split, as CSV (<c>nasprune eval --predictions</c>), so that two
/// networks evaluated on the same split can be compared image by image (<see cref="PairedComparison"/>).
/// </summary>
public static class PredictionsFile
{
    public const string Header = "Index,Label,Predicted";

    /// <summary>Writes the rows atomically; <paramref name="predictions"/> is in the split's order.</summary>
    public static void Write(string path, ImageDataset split, IReadOnlyList<int> predictions)
    {
        if (predictions.Count != split.Count)
            throw new ArgumentException($"{split.Name}: {predictions.Count} predictions for {split.Count} images");
        CsvTable.Write(path, Enumerable.Range(0, split.Count).Select(i => new PredictionRow(i, split.Label(i), predictions[i])));
    }

    /// <summary>Reads a file written by <see cref="Write"/>; anything else is an error naming the file.</summary>
    public static IReadOnlyList<PredictionRow> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: does not exist (write one with nasprune eval --predictions)");
        string? header = File.ReadLines(path).FirstOrDefault();
        if (header?.Trim() != Header)
            throw new InvalidDataException($"{path}: not a predictions file (its first line must be '{Header}'; write one with nasprune eval --predictions)");
        List<PredictionRow> rows;
        try { rows = CsvTable.Read<PredictionRow>(path); }
        catch (Exception e) when (e is CsvHelper.CsvHelperException or FormatException)
        {
            throw new InvalidDataException($"{path}: a row is not three whole numbers Index,Label,Predicted");
        }
        for (int i = 0; i < rows.Count; i++)
            if (rows[i].Index != i) throw new InvalidDataException($"{path}: row {i + 1} has Index {rows[i].Index}; the rows must be the images 0, 1, 2, ... in order");
        if (rows.Count == 0) throw new InvalidDataException($"{path}: no rows");
        return rows;
    }
}
