using NasPrune.Experiments.Reports;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Data;

namespace NasPrune.Tests.Experiments.Reports;

/// <summary>Two networks' predictions compared image by image: counts, McNemar's exact p, the interval, the files.</summary>
public sealed class PairedComparisonTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static List<PredictionRow> Rows(int[] labels, int[] predicted) =>
        labels.Select((label, i) => new PredictionRow(i, label, predicted[i])).ToList();

    [Fact]
    public void TheBinomialTailMatchesTheExactSumsForSmallN()
    {
        for (int n = 1; n <= 20; n++)
            for (int k = 0; k <= n; k++)
            {
                double exact = 0;
                for (int i = 0; i <= k; i++) exact += Choose(n, i) / Math.Pow(2, n);
                Assert.Equal(exact, PairedComparison.BinomialHalfCdf(k, n), tolerance: 1e-13);
            }
        Assert.Equal(1.0, PairedComparison.BinomialHalfCdf(0, 0));
        // A large case that a direct product would under- or overflow: P(X <= 4,900) for n = 10,000 is about 0.0233.
        Assert.InRange(PairedComparison.BinomialHalfCdf(4900, 10000), 0.0225, 0.0240);
    }

    private static double Choose(int n, int k)
    {
        double c = 1;
        for (int i = 0; i < k; i++) c = c * (n - i) / (i + 1);
        return c;
    }

    [Fact]
    public void CountsPValueAndIntervalFollowTheDisagreements()
    {
        // 20 images: both right on 0-5, only A right on 6-15 (10), only B right on 16 (1), both wrong on 17-19.
        int[] labels = Enumerable.Range(0, 20).Select(i => i % 3).ToArray();
        int[] a = labels.Select((l, i) => i <= 15 ? l : (l + 1) % 3).ToArray();
        int[] b = labels.Select((l, i) => i <= 5 || i == 16 ? l : (l + 2) % 3).ToArray();
        var c = PairedComparison.Of(Rows(labels, a), Rows(labels, b));

        Assert.Equal((20, 16, 7, 10, 1), (c.Images, c.CorrectA, c.CorrectB, c.OnlyA, c.OnlyB));
        Assert.Equal(80.0, c.Top1A, 12);
        Assert.Equal(35.0, c.Top1B, 12);
        Assert.Equal(45.0, c.Difference, 12);
        // Two-sided exact: 2 x P(X <= 1), X ~ Bin(11, 1/2) = 2 x 12 / 2048.
        Assert.Equal(24.0 / 2048, c.PValue, 12);
        // Paired Wald: var = ((b + c)/n - ((b - c)/n)^2) / n.
        Assert.Equal(100 * 1.959964 * Math.Sqrt((11.0 / 20 - Math.Pow(9.0 / 20, 2)) / 20), c.HalfWidth95, 9);

        // Swapped: the same test, the other sign.
        var swapped = PairedComparison.Of(Rows(labels, b), Rows(labels, a));
        Assert.Equal(-c.Difference, swapped.Difference, 12);
        Assert.Equal(c.PValue, swapped.PValue, 12);

        // Equal networks: no disagreement, nothing to tell them apart.
        var same = PairedComparison.Of(Rows(labels, a), Rows(labels, a));
        Assert.Equal((0, 0, 1.0, 0.0), (same.OnlyA, same.OnlyB, same.PValue, same.HalfWidth95));
    }

    [Fact]
    public void PredictionsOfDifferentSplitsAreRefused()
    {
        var a = Rows([0, 1, 2], [0, 1, 1]);
        var error = Assert.Throws<ArgumentException>(() => PairedComparison.Of(a, Rows([0, 2, 2], [0, 1, 1]), "tas", "l1"));
        Assert.Equal("image 1 has label 1 in tas and 2 in l1: evaluate both on the same split", error.Message);
        error = Assert.Throws<ArgumentException>(() => PairedComparison.Of(a, Rows([0, 1], [0, 1]), "tas", "l1"));
        Assert.Equal("tas has 3 images and l1 2: evaluate both on the same split", error.Message);
    }

    [Fact]
    public void AFileRoundTripsAndAForeignOneIsOneLine()
    {
        var split = new ImageDataset("test", new byte[4 * 4], [3, 1, 4, 1], 1, 2, 2, 10);
        string path = _temp.File("tas.csv");
        PredictionsFile.Write(path, split, [3, 0, 4, 1]);
        Assert.Equal(Rows([3, 1, 4, 1], [3, 0, 4, 1]), PredictionsFile.Read(path));
        Assert.Equal(PredictionsFile.Header, File.ReadLines(path).First());
        Assert.Throws<ArgumentException>(() => PredictionsFile.Write(path, split, [3, 0, 4]));

        string foreign = _temp.File("metrics.csv");
        File.WriteAllText(foreign, "Epoch,Step,Loss\n1,50,0.3\n");
        var error = Assert.Throws<InvalidDataException>(() => PredictionsFile.Read(foreign));
        Assert.Contains("not a predictions file", error.Message);
        Assert.DoesNotContain('\n', error.Message);

        string shuffled = _temp.File("shuffled.csv");
        File.WriteAllText(shuffled, $"{PredictionsFile.Header}\n1,1,0\n0,3,3\n");
        error = Assert.Throws<InvalidDataException>(() => PredictionsFile.Read(shuffled));
        Assert.Contains("row 1 has Index 1", error.Message);

        string garbled = _temp.File("garbled.csv");
        File.WriteAllText(garbled, $"{PredictionsFile.Header}\n0,x,3\n");
        error = Assert.Throws<InvalidDataException>(() => PredictionsFile.Read(garbled));
        Assert.Contains("not three whole numbers", error.Message);

        Assert.Throws<FileNotFoundException>(() => PredictionsFile.Read(_temp.File("missing.csv")));
    }

    [Fact]
    public void TheTableComparesEachFileWithTheFirst()
    {
        var split = new ImageDataset("test", new byte[4 * 4], [3, 1, 4, 1], 1, 2, 2, 10);
        string reference = _temp.File("unpruned.csv"), other = _temp.File("tas.csv");
        PredictionsFile.Write(reference, split, [3, 1, 0, 0]);
        PredictionsFile.Write(other, split, [3, 1, 4, 0]);
        var rows = PredictionComparison.Rows([reference, other]);
        Assert.Equal(["unpruned", "tas"], rows.Select(r => r.Network));
        Assert.Equal((50.0, 75.0, 25.0, 1, 0, 1.0), (rows[0].Top1, rows[1].Top1, rows[1].Change, rows[1].OnlyItRight, rows[1].OnlyReferenceRight, rows[1].PValue));
        string table = PredictionComparison.Markdown(rows);
        Assert.Contains("| tas | 75.00 | +25.00 |", table);
        Assert.Contains("change vs unpruned", table);

        var error = Assert.Throws<ArgumentException>(() => PredictionComparison.Rows([reference]));
        Assert.Contains("at least one other", error.Message);
        error = Assert.Throws<ArgumentException>(() => PredictionComparison.Rows([reference, reference]));
        Assert.Contains("two files have the name 'unpruned'", error.Message);
    }

    public void Dispose() => _temp.Dispose();
}
