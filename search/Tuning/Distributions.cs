using System.Globalization;

namespace NasPrune.Search.Tuning;

/// <summary>Where a parameter is drawn from. Values are stored as doubles (a categorical's index).</summary>
public abstract record Distribution
{
    /// <summary>The sampler's working space: log for log-scaled ranges.</summary>
    public abstract double ToInternal(double value);
    public abstract double FromInternal(double value);
    public abstract bool Contains(double value);
}

public sealed record FloatDistribution(double Low, double High, bool Log = false) : Distribution
{
    public override double ToInternal(double value) => Log ? Math.Log(value) : value;
    public override double FromInternal(double value) => Math.Clamp(Log ? Math.Exp(value) : value, Low, High);
    public override bool Contains(double value) => value >= Low && value <= High;
}

public sealed record IntDistribution(int Low, int High, bool Log = false) : Distribution
{
    public override double ToInternal(double value) => Log ? Math.Log(value) : value;
    public override double FromInternal(double value) => Math.Clamp(Math.Round(Log ? Math.Exp(value) : value), Low, High);
    public override bool Contains(double value) => value >= Low && value <= High && value == Math.Round(value);
}

public sealed record CategoricalDistribution(IReadOnlyList<string> Choices) : Distribution
{
    public override double ToInternal(double value) => value;
    public override double FromInternal(double value) => value;
    public override bool Contains(double value) => value >= 0 && value < Choices.Count && value == Math.Round(value);
    public string Choice(double value) => Choices[(int)value];
    public override string ToString() => $"one of {string.Join(", ", Choices)}";
    public bool Equals(CategoricalDistribution? other) => other is not null && Choices.SequenceEqual(other.Choices);
    public override int GetHashCode() => string.Join("\u0001", Choices).GetHashCode(StringComparison.Ordinal);
}

internal static class Invariant
{
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
