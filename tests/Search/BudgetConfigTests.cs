using NasPrune.Experiments.Configuration;
using NasPrune.Search.Configuration;

namespace NasPrune.Tests.Search;

public sealed class BudgetConfigTests
{
    [Fact]
    public void ALatencyShareBecomesMillisecondsOnTheDevicesRange()
    {
        var budget = new BudgetConfig { Name = "low", LatencyShare = 0.25, Macs = 5_000_000 };
        BudgetConfig resolved = budget.ResolveLatency(smallestMs: 2.0, largestMs: 6.0);
        Assert.Equal(3.0, resolved.LatencyMs);
        Assert.Equal(3.0, resolved.Constraints.MaxLatencyMs);
        Assert.Equal(5_000_000, resolved.Constraints.MaxMacs);
        Assert.Equal(2.0, (budget with { LatencyShare = 0 }).ResolveLatency(2.0, 6.0).LatencyMs);
        Assert.Equal(6.0, (budget with { LatencyShare = 1 }).ResolveLatency(2.0, 6.0).LatencyMs);
    }

    [Fact]
    public void AnAbsoluteBudgetIsLeftAsItIs()
    {
        var budget = new BudgetConfig { Name = "abs", LatencyMs = 2.2 };
        Assert.Equal(budget, budget.ResolveLatency(5.0, 9.0));
    }

    [Fact]
    public void AnUnresolvedShareCannotBeSearchedUnder()
    {
        var budget = new BudgetConfig { Name = "low", LatencyShare = 0.5 };
        Assert.Throws<InvalidOperationException>(() => budget.Constraints);
    }

    [Theory]
    [InlineData("""{ "name": "x", "latencyMs": 2.0, "latencyShare": 0.3 }""", "'budgets[0]' has both latencyMs and latencyShare", "")]
    [InlineData("""{ "name": "x" }""", "'budgets[0]' needs at least one of latencyMs, latencyShare, macs, params", "")]
    [InlineData("""{ "name": "x", "latencyShare": 1.5 }""", "latencyShare", "")]
    [InlineData("""{ "name": "x", "macs": 5 }""", "latencyRounds", """, "latencyRounds": 0""")]
    public void BadSearchConfigsGiveOneLineNamingTheField(string budget, string expected, string moreFields)
    {
        string dir = Directory.CreateTempSubdirectory("nasprune-budget").FullName;
        try
        {
            string file = Path.Combine(dir, "f");
            File.WriteAllText(file, "");
            string json = $$"""{ "device": "{{file}}", "lut": "{{file}}", "predictor": "{{file}}", "supernet": "{{file}}", "exportDir": "{{dir}}", "budgets": [ {{budget}} ]{{moreFields}} }""";
            var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFromJson<SearchConfig>(json));
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains(expected, e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
