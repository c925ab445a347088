using NasPrune.Search.Constraints;
using NasPrune.Supernet.Ofa;

namespace NasPrune.Search.Evolution;

/// <summary>A scored candidate.</summary>
public sealed record Candidate(SubnetConfig Config, double Objective, CandidateCost Cost);

/// <summary>The best candidate found, the best objective after each generation (or evaluation batch), and how many candidates were scored.</summary>
public sealed record SearchResult(Candidate Best, IReadOnlyList<double> BestSoFar, long Evaluations);
