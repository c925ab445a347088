namespace NasPrune.Search.Tuning.Benchmarks;

/// <summary>
/// A standard optimisation test function as a study objective (to be minimised), with its known
/// global minimum so reports can show the remaining gap.
/// </summary>
public sealed record TestFunction(string Name, int Dimensions, double KnownMinimum, Func<Trial, double> Objective)
{
    /// <summary>Branin-Hoo on [-5, 10] x [0, 15]; minimum 0.397887 at three points.</summary>
    public static TestFunction Branin { get; } = new("branin", 2, 0.397887,
        t => BraninValue(t.SuggestFloat("x1", -5, 10), t.SuggestFloat("x2", 0, 15)));

    /// <summary>Hartmann-6 on [0, 1]^6; minimum -3.32237.</summary>
    public static TestFunction Hartmann6 { get; } = new("hartmann6", 6, -3.32237,
        t => Hartmann6Value(Enumerable.Range(0, 6).Select(i => t.SuggestFloat($"x{i}", 0, 1)).ToArray()));

    public static IReadOnlyList<TestFunction> All { get; } = [Branin, Hartmann6];

    public static TestFunction Named(string name) =>
        All.FirstOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"function '{name}': allowed values are {string.Join(", ", All.Select(f => f.Name))}");

    public static double BraninValue(double x1, double x2)
    {
        double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        return Math.Pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * Math.Cos(x1) + 10;
    }

    private static readonly double[] HartmannAlpha = [1.0, 1.2, 3.0, 3.2];
    private static readonly double[,] HartmannA = { { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 } };
    private static readonly double[,] HartmannP =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    public static double Hartmann6Value(double[] x) =>
        -Enumerable.Range(0, 4).Sum(i => HartmannAlpha[i] * Math.Exp(-Enumerable.Range(0, 6).Sum(j => HartmannA[i, j] * Math.Pow(x[j] - HartmannP[i, j], 2))));
}
