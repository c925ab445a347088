using NasPrune.Search.Constraints;
using NasPrune.Supernet.Ofa;

namespace NasPrune.Search.Evolution;

/// <summary>
/// What a search needs to know about candidates: the objective for a whole batch at once (e.g. the
/// accuracy predictor) and each candidate's cost (e.g. the latency table and the analytic counts).
/// </summary>
public interface ICandidateScorer
{
    double[] Objective(IReadOnlyList<SubnetConfig> candidates);

    CandidateCost Cost(SubnetConfig candidate);
}
