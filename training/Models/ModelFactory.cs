using NasPrune.Supernet.Models;
using NasPrune.Training.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Training.Models;

/// <summary>Builds the static model a <see cref="ModelConfig"/> names, for a data set's shape.</summary>
public static class ModelFactory
{
    public static nn.Module<Tensor, Tensor> Create(ModelConfig config, int inChannels, int classes) =>
        new CifarResNet(ResNetSpec.FromName(config.Arch, inChannels, classes));

    /// <summary>Forward multiply-accumulates per image at the given square resolution.</summary>
    public static long Macs(ModelConfig config, int inChannels, int classes, int size) =>
        ResNetSpec.FromName(config.Arch, inChannels, classes).Macs(size);
}
