using System.Text.Json.Nodes;
using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Training.Shrinking;

/// <summary>
/// How a sub-network's accuracy is measured everywhere (design note: always after BN recalibration):
/// extract it from the supernet, re-estimate its BN statistics on the first N images of a seeded
/// shuffle of the train split at its resolution, then evaluate at its resolution. The supernet is not touched.
/// </summary>
public sealed record SubnetMeasurement(DataSplits Data, int RecalibrationCount, ulong RecalibrationSeed, int EvalBatchSize, Device Device)
{
    /// <summary>The extracted, recalibrated sub-network (in eval mode, on the device); the caller disposes it.</summary>
    public StaticOfaNet Prepare(OfaSupernet supernet, SubnetConfig config)
    {
        StaticOfaNet net = SubnetExtractor.Extract(supernet, config);
        net.to(Device);
        Recalibrate(net);
        return net;
    }

    public void Recalibrate(StaticOfaNet net)
    {
        BnRecalibration.Recalibrate(net,
            RecalibrationImages.Batches(Data.Train, Data.Normalization, RecalibrationCount, net.Config.Resolution, RecalibrationSeed, Device));
        net.eval();
    }

    public EvaluationResult Evaluate(StaticOfaNet net, ImageDataset split) =>
        Evaluator.Evaluate(net, split, Data.Normalization, EvalBatchSize, Device, net.Config.Resolution);

    /// <summary>Recalibrated accuracy of one sub-network on <paramref name="split"/>.</summary>
    public EvaluationResult Measure(OfaSupernet supernet, SubnetConfig config, ImageDataset split)
    {
        using StaticOfaNet net = Prepare(supernet, config);
        return Evaluate(net, split);
    }

    /// <summary>What arch.json records about the recalibration.</summary>
    public JsonObject Provenance() => new()
    {
        ["split"] = "train",
        ["images"] = Math.Min(RecalibrationCount, Data.Train.Count),
        ["seed"] = RecalibrationSeed,
        ["batch"] = RecalibrationImages.DefaultBatch,
    };
}
