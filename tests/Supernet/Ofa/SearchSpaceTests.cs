using NasPrune.Supernet.Ofa;

namespace NasPrune.Tests.Supernet.Ofa;

public sealed class SearchSpaceTests
{
    [Fact]
    public void BuiltInSpaceHasTheDesignNotesNumbers()
    {
        OfaSearchSpace space = OfaSearchSpace.Default(0.5);
        Assert.Equal("ofa-mbv3-small", space.Name);
        Assert.Equal([20, 24, 28, 32], space.Resolutions);
        Assert.Equal([16, 24, 40, 56, 80], Enumerable.Range(0, 5).Select(space.StageWidth));
        Assert.Equal((8, 8, 480, 640), (space.StemWidth, space.FirstBlockWidth, space.FinalExpandWidth, space.FeatureWidth));
        // About 10^19 sub-networks, as in the paper: per stage sum over d of 9^d, to the 5th, times |R|.
        double perStage = Math.Pow(9, 2) + Math.Pow(9, 3) + Math.Pow(9, 4);
        Assert.InRange(Math.Log10(Math.Pow(perStage, 5) * 4), 19, 20);
    }

    [Theory]
    [InlineData(16.0, 16)]
    [InlineData(12.0, 16)]
    [InlineData(20.0, 24)]
    [InlineData(4.0, 8)]
    [InlineData(56.0, 56)]
    [InlineData(6.6, 8)]
    public void MakeDivisibleMatchesTheReference(double value, int expected) => Assert.Equal(expected, Channels.MakeDivisible(value));

    [Fact]
    public void SpaceJsonRoundTripsAndBadFieldsAreNamed()
    {
        OfaSearchSpace space = OfaSearchSpace.Default(0.5);
        Assert.Equal(space, OfaSearchSpace.FromJson(space.ToJson(), "test"));
        string bad = space.ToJson().Replace("\"kernels\": [\n    3,", "\"kernels\": [\n    4,");
        Assert.Contains("kernels", Assert.Throws<InvalidDataException>(() => OfaSearchSpace.FromJson(bad, "test")).Message);
        string unknown = space.ToJson().Replace("\"dropout\"", "\"dropuot\"");
        Assert.Contains("dropuot", Assert.Throws<InvalidDataException>(() => OfaSearchSpace.FromJson(unknown, "test")).Message);
    }
}
