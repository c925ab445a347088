namespace NasPrune.Experiments.Reports;

/// <summary>
/// Two networks' predictions on the same images, compared image by image. Accuracies on one test set are paired
/// samples: most images are right (or wrong) for both, and only the images where the two disagree say which is
/// better. <see cref="PValue"/> is McNemar's exact test on those (two-sided: under "equally accurate" each
/// disagreement is a fair coin); the interval is the usual paired (Wald) 95 % interval of the difference.
/// Both describe this test set's sampling noise only; training the same network with another seed moves accuracy too.
/// </summary>
public sealed record PairedComparison(int Images, int CorrectA, int CorrectB, int OnlyA, int OnlyB)
{
    public double Top1A => 100.0 * CorrectA / Images;
    public double Top1B => 100.0 * CorrectB / Images;

    /// <summary>A's top-1 minus B's, in points.</summary>
    public double Difference => 100.0 * (OnlyA - OnlyB) / Images;

    /// <summary>Half-width of the 95 % interval of <see cref="Difference"/>, in points.</summary>
    public double HalfWidth95
    {
        get
        {
            double n = Images, b = OnlyA, c = OnlyB;
            double variance = Math.Max(0, (b + c) / n - Math.Pow((b - c) / n, 2)) / n;
            return 100.0 * 1.959964 * Math.Sqrt(variance);
        }
    }

    /// <summary>McNemar's exact two-sided p-value: 2 P(X &lt;= min(b, c)) for X ~ Binomial(b + c, 1/2), at most 1.</summary>
    public double PValue => Math.Min(1.0, 2 * BinomialHalfCdf(Math.Min(OnlyA, OnlyB), OnlyA + OnlyB));

    /// <summary>Compares two predictions files of one split; files of different splits or lengths are refused.</summary>
    public static PairedComparison Of(IReadOnlyList<PredictionRow> a, IReadOnlyList<PredictionRow> b, string nameA = "A", string nameB = "B")
    {
        if (a.Count != b.Count)
            throw new ArgumentException($"{nameA} has {a.Count} images and {nameB} {b.Count}: evaluate both on the same split");
        int correctA = 0, correctB = 0, onlyA = 0, onlyB = 0;
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i].Label != b[i].Label)
                throw new ArgumentException($"image {i} has label {a[i].Label} in {nameA} and {b[i].Label} in {nameB}: evaluate both on the same split");
            bool rightA = a[i].Predicted == a[i].Label, rightB = b[i].Predicted == b[i].Label;
            correctA += rightA ? 1 : 0;
            correctB += rightB ? 1 : 0;
            onlyA += rightA && !rightB ? 1 : 0;
            onlyB += rightB && !rightA ? 1 : 0;
        }
        return new PairedComparison(a.Count, correctA, correctB, onlyA, onlyB);
    }

    /// <summary>P(X &lt;= k) for X ~ Binomial(n, 1/2), summed in log space (exact for any n a test set has).</summary>
    public static double BinomialHalfCdf(int k, int n)
    {
        if (n == 0 || k >= n) return 1.0;
        double logHalfToN = n * Math.Log(0.5), logChoose = 0, max = double.NegativeInfinity;
        var terms = new double[k + 1];
        for (int i = 0; i <= k; i++)
        {
            terms[i] = logChoose + logHalfToN;
            max = Math.Max(max, terms[i]);
            logChoose += Math.Log(n - i) - Math.Log(i + 1);
        }
        return Math.Min(1.0, Math.Exp(max) * terms.Sum(t => Math.Exp(t - max)));
    }
}
