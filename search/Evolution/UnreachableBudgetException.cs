using NasPrune.Search.Constraints;

namespace NasPrune.Search.Evolution;

/// <summary>No sub-network was drawn within the constraints: the budget is (or looks) below the smallest network's cost.</summary>
public sealed class UnreachableBudgetException(SearchConstraints constraints, int draws)
    : ArgumentException($"budget {constraints}: no sub-network found within it after {draws} draws (is it below the smallest network's cost?)")
{
    public SearchConstraints Constraints { get; } = constraints;
}
