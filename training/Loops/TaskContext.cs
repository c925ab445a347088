using Microsoft.Extensions.Logging;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Training.Loops;

/// <summary>What a training task is built from, including the run's training batches (a pure function of the step).</summary>
public sealed record TaskContext(RunConfig Config, DataSplits Data, RunDirectory Run, Device Device, BatchLoader TrainLoader, ILogger Logger)
{
    public int BatchesPerEpoch => TrainLoader.BatchesPerEpoch;

    /// <summary>The augmented training batch of global step <paramref name="step"/> (data epoch = step / batches per epoch).</summary>
    public Batch TrainBatch(long step) => TrainLoader.GetBatch((int)(step / BatchesPerEpoch), (int)(step % BatchesPerEpoch), Device);

    /// <summary>A new SGD-trained module with the run's optimiser settings.</summary>
    public Optimization.OptimizedModule Optimized(nn.Module<Tensor, Tensor> module, string prefix = "", Func<string, bool>? trains = null) =>
        new(module, Config.Training.Momentum, Config.Training.Nesterov, Config.Training.WeightDecay, prefix, trains);
}
