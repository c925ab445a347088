using NasPrune.Training.Configuration;

namespace NasPrune.Training.Data;

/// <summary>Loads the splits a <see cref="DataConfig"/> names.</summary>
public static class DataSource
{
    public static DataSplits Load(DataConfig config) => config.Dataset switch
    {
        "fashion-mnist" => FashionMnist.Load(FashionMnist.ResolveRoot(config.Root), config.ValidationSize, config.TrainSubset),
        "cifar10" => Cifar10Reader.Load(config.Root ?? throw new DatasetException("data.root: required for cifar10 (folder of data_batch_*.bin)"),
            config.ValidationSize, config.TrainSubset),
        _ => throw new DatasetException($"data.dataset: '{config.Dataset}' is not known; allowed values: fashion-mnist, cifar10"),
    };
}
