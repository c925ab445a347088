using NasPrune.LatencyTables.Tables;
using NasPrune.Predictors.Accuracy;
using NasPrune.Search.Constraints;
using NasPrune.Supernet.Ofa;

namespace NasPrune.Search.Evolution;

/// <summary>The search's view of a device: predicted accuracy (batched MLP) as the objective, LUT latency and analytic MACs/params as the cost.</summary>
public sealed class PredictorScorer(AccuracyPredictor accuracy, LatencyTable latency) : ICandidateScorer
{
    public double[] Objective(IReadOnlyList<SubnetConfig> candidates) => accuracy.Predict(candidates);

    public CandidateCost Cost(SubnetConfig candidate)
    {
        var (macs, parameters) = SubnetCost.Of(candidate);
        return new CandidateCost(latency.PredictMs(candidate), macs, parameters);
    }
}
