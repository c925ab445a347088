using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Randomness;
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
    public Batch TrainBatch(long step) => TrainLoader.BatchAt(step, Device);

    /// <summary>
    /// Loaders of two class-balanced halves of the train split (shuffled, augmented like the split, batches of
    /// training.batchSize): the bi-level searches train weights on one and architecture on the other.
    /// </summary>
    public (BatchLoader A, BatchLoader B) TrainHalves()
    {
        ulong seed = (ulong)Config.Seed;
        var (a, b) = ClassBalancedHalves.Split(Data.Train, seed);
        Augmentation? augmentation = Config.Data.Augment ? Augmentation.Standard : null;
        BatchLoader Loader(ImageDataset half, ulong stream) =>
            new(half, Config.Training.BatchSize, Data.Normalization, augmentation, shuffle: true, dropLast: true, seed: SplitMix64.Mix(seed, stream));
        return (Loader(a, 0xA), Loader(b, 0xB));
    }

    /// <summary>A new SGD-trained module with the run's optimiser settings.</summary>
    public Optimization.OptimizedModule Optimized(nn.Module<Tensor, Tensor> module, string prefix = "", Func<string, bool>? trains = null) =>
        new(module, Config.Training.Momentum, Config.Training.Nesterov, Config.Training.WeightDecay, prefix, trains);
}
