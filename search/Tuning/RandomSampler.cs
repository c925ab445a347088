using NasPrune.Supernet.Randomness;

namespace NasPrune.Search.Tuning;

/// <summary>Uniform in the internal space (log-uniform for log ranges); each (trial, parameter) draws from its own seed.</summary>
public sealed class RandomSampler(ulong seed) : ISampler
{
    public double Sample(IReadOnlyList<FrozenTrial> history, StudyDirection direction, int trial, string name, Distribution distribution) =>
        Draw(new SplitMix64(SplitMix64.Mix(seed, (ulong)trial, StableHash(name))), distribution);

    public static double Draw(SplitMix64 random, Distribution distribution) => distribution switch
    {
        CategoricalDistribution c => random.NextInt(c.Choices.Count),
        IntDistribution i when !i.Log => i.Low + random.NextInt(i.High - i.Low + 1),
        _ => distribution.FromInternal(Low(distribution) + random.NextDouble() * (High(distribution) - Low(distribution))),
    };

    internal static double Low(Distribution d) => d switch
    {
        FloatDistribution f => f.ToInternal(f.Low),
        IntDistribution i => i.ToInternal(i.Log ? i.Low : i.Low - 0.5),
        _ => 0,
    };

    internal static double High(Distribution d) => d switch
    {
        FloatDistribution f => f.ToInternal(f.High),
        IntDistribution i => i.ToInternal(i.Log ? i.High : i.High + 0.5),
        CategoricalDistribution c => c.Choices.Count,
        _ => 1,
    };

    /// <summary>A string hash that is the same in every process (string.GetHashCode is randomised per process).</summary>
    internal static ulong StableHash(string text)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in text) hash = (hash ^ c) * 1099511628211;
        return hash;
    }
}
