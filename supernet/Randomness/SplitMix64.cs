namespace NasPrune.Supernet.Randomness;

/// <summary>
/// A tiny deterministic random generator (SplitMix64) whose whole state is one ulong, so a run can
/// derive every random choice from (seed, step, ...) and resume exactly. Unlike System.Random, its
/// output is fixed by this file, not by the runtime version.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    public ulong State { get; private set; } = seed;

    public ulong NextUInt64()
    {
        State += 0x9E3779B97F4A7C15UL;
        return Finalize(State);
    }

    /// <summary>Uniform in [0, maxExclusive), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong bound = (ulong)maxExclusive;
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong value;
        do value = NextUInt64(); while (value >= limit);
        return (int)(value % bound);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public T Choose<T>(IReadOnlyList<T> items) => items[NextInt(items.Count)];

    /// <summary>Mixes several values into one seed (order matters), e.g. (seed, epoch, batch).</summary>
    public static ulong Mix(params ReadOnlySpan<ulong> parts)
    {
        ulong h = 0x243F6A8885A308D3UL;
        foreach (ulong p in parts) h = Finalize(h ^ Finalize(p + 0x9E3779B97F4A7C15UL));
        return h;
    }

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
