using NasPrune.Supernet.Randomness;

namespace NasPrune.Training.Data;

/// <summary>Splits a data set into two halves with (as nearly as possible) the same number of images of every class: a seeded shuffle per class, alternately assigned.</summary>
public static class ClassBalancedHalves
{
    public static (ImageDataset First, ImageDataset Second) Split(ImageDataset data, ulong seed)
    {
        var random = new SplitMix64(seed);
        var first = new List<int>();
        var second = new List<int>();
        foreach (var group in Enumerable.Range(0, data.Count).GroupBy(data.Label).OrderBy(g => g.Key))
        {
            int[] indices = group.ToArray();
            for (int i = indices.Length - 1; i > 0; i--)
            {
                int j = random.NextInt(i + 1);
                (indices[i], indices[j]) = (indices[j], indices[i]);
            }
            for (int i = 0; i < indices.Length; i++) (i % 2 == 0 ? first : second).Add(indices[i]);
        }
        first.Sort();
        second.Sort();
        return (data.Select($"{data.Name}-half-a", first), data.Select($"{data.Name}-half-b", second));
    }
}
