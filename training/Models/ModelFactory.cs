using NasPrune.Supernet.Darts;
using NasPrune.Supernet.Models;
using NasPrune.Supernet.Pruning;
using NasPrune.Supernet.Serialization;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Runtime;
using NasPrune.Training.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Training.Models;

/// <summary>Builds the static model a <see cref="ModelConfig"/> names, for a data set's shape.</summary>
public static class ModelFactory
{
    /// <summary>
    /// The model of a run config: with l1 <c>pruning</c>, the trained base ResNet with its filters pruned; with
    /// magnitude pruning, the network itself (a ResNet or a fixed DARTS cell network), holding the base model's
    /// weights when one is given (its masks are the task's); else <see cref="Create(ModelConfig, int, int)"/>.
    /// </summary>
    public static StaticModel Create(RunConfig config, int inChannels, int classes, int size)
    {
        if (config.Pruning is not PruningConfig pruning) return Create(config.Model, inChannels, classes);
        if (pruning.IsMagnitude)
        {
            StaticModel model = Create(config.Model, inChannels, classes);
            if (!string.IsNullOrEmpty(pruning.BaseModel)) LoadBase(model.Module, pruning.BaseModel);
            return model;
        }
        ResNetSpec spec = ResNetSpec.FromName(config.Model.Arch, inChannels, classes);
        using var trained = new CifarResNet(spec);
        LoadBase(trained, pruning.BaseModel);
        double keep = L1FilterPruning.KeepFor(spec, (long)(pruning.FlopsTarget * spec.Macs(size)), size);
        CifarResNet pruned = L1FilterPruning.Prune(trained, keep);
        return new StaticModel(pruned, null, -1) { MacsAtSize = pruned.Spec.Macs };
    }

    private static void LoadBase(nn.Module net, string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"pruning.baseModel: '{path}' does not exist (train the base network first)");
        using LoadedArchive archive = TensorArchive.Read(path);
        ModuleState.Load(net, archive.Tensors, "", path);
    }

    public static StaticModel Create(ModelConfig config, int inChannels, int classes)
    {
        if (config.IsOfaSubnet)
        {
            SubnetConfig subnet = Subnet(config, inChannels, classes);
            var net = new StaticOfaNet(subnet);
            OfaInit.Apply(net);
            return new StaticModel(net, subnet.Resolution, SubnetCost.Of(subnet).Macs);
        }
        if (config.IsSupernet)
            throw new ArgumentException($"model.arch: '{ModelConfig.Supernet}' is trained by progressive shrinking; set progressiveShrinking");
        if (config.IsDarts) return Darts(config, inChannels, classes);
        ResNetSpec spec = ResNetSpec.FromName(config.Arch, inChannels, classes);
        return new StaticModel(new CifarResNet(spec), null, -1) { MacsAtSize = spec.Macs };
    }

    /// <summary>
    /// A fixed DARTS cell network (model.genotype, model.network), freshly initialised, its sparse operators dense
    /// (sparsity 0, so a magnitude pruner's zeros are the only ones). Its file carries the genotype and shape, so it
    /// reads back like a DASS run's model (<see cref="DartsModelFile"/>).
    /// </summary>
    private static StaticModel Darts(ModelConfig config, int inChannels, int classes)
    {
        if (!config.IsFixedDarts)
            throw new ArgumentException($"model.arch: '{ModelConfig.DartsCells}' is searched and trained by DASS (set 'dass') unless 'model.genotype' fixes its cells");
        var (text, source) = ArchitectureText.Resolve(config.Genotype, "model.genotype", "")!.Value;
        var net = new DartsNetwork((config.Network ?? new DartsNetworkConfig()).Spec(inChannels, classes), DartsGenotype.Parse(text, source));
        // MACs at the input size the run feeds it, measured on the device the network is on by then.
        return new StaticModel(net, null, -1)
        {
            MacsAtSize = size => LayerCosts.Measure(net, [1, inChannels, size, size], net.parameters().First().device).Sum(c => c.Macs),
            FileMetadata = DartsModelFile.Metadata(net),
        };
    }

    /// <summary>The OFA search space the config names, shaped for the data (channels, classes) and widened.</summary>
    public static OfaSearchSpace Space(ModelConfig config, int inChannels, int classes)
    {
        OfaSearchSpace space = config.Space == OfaSearchSpace.DefaultName
            ? OfaSearchSpace.Default()
            : File.Exists(config.Space)
                ? OfaSearchSpace.FromJson(File.ReadAllText(config.Space), config.Space)
                : throw new ArgumentException($"model.space: '{config.Space}' is neither '{OfaSearchSpace.DefaultName}' nor an existing search-space JSON file");
        return space with { WidthMultiplier = config.WidthMultiplier, InputChannels = inChannels, Classes = classes };
    }

    /// <summary>The sub-network of an <c>ofa:</c> arch.</summary>
    public static SubnetConfig Subnet(ModelConfig config, int inChannels, int classes)
    {
        if (!config.IsOfaSubnet) throw new ArgumentException($"model.arch: '{config.Arch}' is not an ofa:<config> arch");
        return SubnetConfig.ParseAny(Space(config, inChannels, classes), config.Arch[ModelConfig.SubnetPrefix.Length..]);
    }
}
