using NasPrune.Supernet.Ofa;

namespace NasPrune.Tests.Supernet.Ofa;

public sealed class SubnetConfigTests
{
    private static readonly OfaSearchSpace Space = TinySpace.Space;

    [Fact]
    public void TextFormRoundTripsForRandomConfigs()
    {
        for (ulong seed = 0; seed < 200; seed++)
        {
            SubnetConfig config = SubnetSampler.Sample(Space, seed);
            Assert.Equal(config, SubnetConfig.Parse(Space, config.ToString()));
            Assert.Equal(config, SubnetConfig.FromJson(Space, config.ToJson()));
        }
        Assert.Equal("r32-k7777.7777.7777.7777.7777-e6666.6666.6666.6666.6666", SubnetConfig.Largest(Space).ToString());
        Assert.Equal("r20-k33.33.33.33.33-e33.33.33.33.33", SubnetConfig.Smallest(Space).ToString());
    }

    [Fact]
    public void SkippedBlocksAreNormalisedAway()
    {
        int[] depths = [2, 2, 2, 2, 2];
        var a = new SubnetConfig(Space, 28, depths, Enumerable.Repeat(5, 20).ToArray(), Enumerable.Repeat(4.0, 20).ToArray());
        int[] kernels = Enumerable.Repeat(5, 20).ToArray();
        kernels[3] = 7;                    // stage 0, block 3: skipped at depth 2
        var b = new SubnetConfig(Space, 28, depths, kernels, Enumerable.Repeat(4.0, 20).ToArray());
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        // The operators compare values too (two parses of one text are two objects).
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(SubnetConfig.Parse(Space, a.ToString()) == a);
        Assert.True(a != SubnetConfig.Largest(Space));
        Assert.True(a != null);
    }

    [Fact]
    public void SamplingIsReproducibleAndRespectsChoices()
    {
        Assert.Equal(SubnetSampler.Sample(Space, 42), SubnetSampler.Sample(Space, 42));
        Assert.NotEqual(SubnetSampler.Sample(Space, 42), SubnetSampler.Sample(Space, 43));
        var kernelPhase = new SamplingChoices(Depths: [4], ExpandRatios: [6.0], Resolutions: [28]);
        for (ulong seed = 0; seed < 50; seed++)
        {
            SubnetConfig c = SubnetSampler.Sample(Space, seed, kernelPhase);
            Assert.All(c.Depths, d => Assert.Equal(4, d));
            Assert.All(c.Expands, e => Assert.Equal(6.0, e));
            Assert.Equal(28, c.Resolution);
        }
    }

    [Theory]
    [InlineData("r30-k33.33.33.33.33-e33.33.33.33.33", "resolution 30", "20, 24, 28, 32")]
    [InlineData("r28-k39.33.33.33.33-e33.33.33.33.33", "kernels[1]", "3, 5, 7")]
    [InlineData("r28-k33.33.33.33.33-e35.33.33.33.33", "expands[1]", "3, 4, 6")]
    [InlineData("r28-k3.33.33.33.33-e3.33.33.33.33", "depths[0] = 1", "2, 3, 4")]
    [InlineData("r28-k33.33.33.33-e33.33.33.33", "5 stage groups")]
    [InlineData("r28-k33.33.33.33.33-e333.33.33.33.33", "stage 0 has 2 kernels but 3 expand ratios")]
    [InlineData("hello", "expected r<resolution>")]
    public void InvalidTextIsRejectedNamingTheField(string text, params string[] parts)
    {
        var e = Assert.Throws<ArgumentException>(() => SubnetConfig.Parse(Space, text));
        foreach (string part in parts) Assert.Contains(part, e.Message);
    }

    [Fact]
    public void UnknownJsonFieldIsRejected()
    {
        var json = SubnetConfig.Largest(Space).ToJson();
        json["kernel"] = 3;
        Assert.Contains("unknown field 'kernel'", Assert.Throws<ArgumentException>(() => SubnetConfig.FromJson(Space, json)).Message);
    }
}
