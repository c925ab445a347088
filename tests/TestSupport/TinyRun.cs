using NasPrune.Training.Configuration;

namespace NasPrune.Tests.TestSupport;

/// <summary>A run config small enough for unit tests: ResNet-8 on a few synthetic images.</summary>
public static class TinyRun
{
    public static RunConfig Config(string dataRoot, int epochs = 2, int trainImages = 64, int batch = 16) => new()
    {
        Name = "tiny",
        Seed = 7,
        Threads = 1,
        LogEverySteps = 1,
        Data = new DataConfig { Dataset = "fashion-mnist", Root = dataRoot, ValidationSize = 16, TrainSubset = trainImages },
        Model = new ModelConfig { Arch = "resnet8" },
        Training = new OptimizationConfig { Epochs = epochs, BatchSize = batch, Lr = 0.05, WarmupEpochs = 0.5, EvalBatchSize = 32 },
        Checkpoints = new CheckpointConfig { EveryMinutes = 0, Keep = 2 },
    };

    /// <summary>Synthetic data with room for <paramref name="trainImages"/> + 16 validation images and 20 test images.</summary>
    public static string WriteData(TempFolder temp, int trainImages = 64)
    {
        string root = temp.File("data");
        SyntheticFashionMnist.Write(root, trainImages + 16, 20);
        return root;
    }
}
