using System.Globalization;

namespace NasPrune.Search.Constraints;

/// <summary>The budgets a found sub-network must respect; each is optional (null: unconstrained).</summary>
public sealed record SearchConstraints(double? MaxLatencyMs = null, long? MaxMacs = null, long? MaxParams = null)
{
    public bool Allows(CandidateCost cost) =>
        (MaxLatencyMs is not double l || cost.LatencyMs <= l)
        && (MaxMacs is not long m || cost.Macs <= m)
        && (MaxParams is not long p || cost.Params <= p);

    public override string ToString()
    {
        var parts = new List<string>();
        if (MaxLatencyMs is double l) parts.Add(string.Create(CultureInfo.InvariantCulture, $"latency <= {l:0.###} ms"));
        if (MaxMacs is long m) parts.Add(string.Create(CultureInfo.InvariantCulture, $"MACs <= {m / 1e6:0.###} M"));
        if (MaxParams is long p) parts.Add(string.Create(CultureInfo.InvariantCulture, $"params <= {p / 1e6:0.###} M"));
        return parts.Count == 0 ? "unconstrained" : string.Join(", ", parts);
    }
}

/// <summary>What a candidate costs: predicted latency (NaN without a latency model), MACs and parameters.</summary>
public readonly record struct CandidateCost(double LatencyMs, long Macs, long Params);
