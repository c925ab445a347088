using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Ofa;

public sealed class ExtractionTests
{
    /// <summary>A supernet whose BN statistics, biases and kernel matrices are not at their initial values, so slicing mistakes show.</summary>
    internal static OfaSupernet Perturbed(long seed = 1)
    {
        OfaSupernet net = TinySpace.Supernet(seed);
        using var noGrad = no_grad();
        foreach (var (name, tensor) in net.state_dict())
        {
            if (tensor.dtype != float32) continue;
            if (name.EndsWith("running_var", StringComparison.Ordinal)) tensor.uniform_(0.5, 2.0);
            else if (name.Contains("transform_")) tensor.add_(randn_like(tensor) * 0.05);
            else if (name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith("bias", StringComparison.Ordinal)) tensor.normal_(0, 0.1);
            else if (name.EndsWith(".weight", StringComparison.Ordinal) && tensor.dim() == 1) tensor.uniform_(0.5, 1.5);
        }
        return net;
    }

    [Fact]
    public void FiftyRandomSubnetworksMatchInOutputParametersAndMacs()
    {
        using var net = Perturbed();
        net.eval();
        var configs = Enumerable.Range(0, 48).Select(i => SubnetSampler.Sample(TinySpace.Space, (ulong)i)).ToList();
        configs.Add(SubnetConfig.Largest(TinySpace.Space));
        configs.Add(SubnetConfig.Smallest(TinySpace.Space));
        manual_seed(5);
        foreach (SubnetConfig config in configs)
        {
            using var scope = NewDisposeScope();
            Tensor x = randn(3, 1, config.Resolution, config.Resolution);
            using StaticOfaNet extracted = SubnetExtractor.Extract(net, config);
            extracted.eval();
            using (no_grad()) TensorAssert.Close(net.Forward(x, config), extracted.forward(x), 1e-5, config.ToString());

            var (macs, parameters) = SubnetCost.Of(config);
            Assert.Equal(parameters, extracted.parameters().Sum(p => p.numel()));
            Assert.Equal(macs, MacCounter.Count(extracted, x));
        }
    }

    [Fact]
    public void ExtractedModelIsIndependentOfTheSupernet()
    {
        using var scope = NewDisposeScope();
        using var net = Perturbed();
        SubnetConfig config = SubnetSampler.Sample(TinySpace.Space, 3);
        using StaticOfaNet extracted = SubnetExtractor.Extract(net, config);
        Tensor before = extracted.parameters().First().clone();
        using (no_grad()) foreach (var p in net.parameters()) p.add_(1);
        TensorAssert.BitEqual(before, extracted.parameters().First());
    }

    [Fact]
    public void LoadingTheLargestNetworkIsTheInverseOfExtractingIt()
    {
        using var scope = NewDisposeScope();
        SubnetConfig largest = SubnetConfig.Largest(TinySpace.Space);
        using var source = Perturbed(seed: 1);
        using StaticOfaNet trained = SubnetExtractor.Extract(source, largest);
        using var fresh = Perturbed(seed: 2);
        var transformsBefore = fresh.named_parameters().Where(p => p.name.Contains("transform_")).ToDictionary(p => p.name, p => p.parameter.clone());
        Tensor x = randn(2, 1, largest.Resolution, largest.Resolution);
        fresh.eval();
        using (no_grad()) fresh.Forward(x, largest);   // fills the inference cache, which loading must drop

        SubnetExtractor.LoadLargest(fresh, trained);

        // Every state entry of the largest network comes back bit for bit, BN statistics included ...
        using StaticOfaNet again = SubnetExtractor.Extract(fresh, largest);
        var expected = trained.state_dict();
        foreach (var (name, tensor) in again.state_dict()) TensorAssert.BitEqual(expected[name], tensor, name);
        // ... the kernel transforms, which the largest network does not use, keep their values ...
        foreach (var (name, parameter) in fresh.named_parameters().Where(p => p.name.Contains("transform_")))
            TensorAssert.BitEqual(transformsBefore[name], parameter, name);
        // ... and the supernet computes the trained network's function.
        trained.eval();
        using (no_grad()) TensorAssert.BitEqual(trained.forward(x), fresh.Forward(x, largest));
    }

    [Fact]
    public void OnlyTheLargestNetworkCanBeLoadedIntoTheSupernet()
    {
        using var source = Perturbed();
        using StaticOfaNet smallest = SubnetExtractor.Extract(source, SubnetConfig.Smallest(TinySpace.Space));
        var e = Assert.Throws<ArgumentException>(() => SubnetExtractor.LoadLargest(source, smallest));
        Assert.Contains("is not the largest network", e.Message);
    }
}

/// <summary>Counts conv and linear MACs of a forward pass with hooks (the independent check of <see cref="SubnetCost"/>).</summary>
internal static class MacCounter
{
    public static long Count(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        long macs = 0;
        long batch = input.shape[0];
        var removers = new List<Action>();
        foreach (var module in ModuleTree.All<nn.Module>(model))
        {
            if (module is Convolution conv)
            {
                removers.Add(conv.register_forward_hook((m, x, y) =>
                {
                    long kernel = conv.weight!.shape[2] * conv.weight.shape[3];
                    macs += y.numel() / batch * conv.weight.shape[1] * kernel;
                    return y;
                }).remove);
            }
            else if (module is Linear linear)
            {
                removers.Add(linear.register_forward_hook((m, x, y) =>
                {
                    macs += linear.weight!.shape[0] * linear.weight.shape[1];
                    return y;
                }).remove);
            }
        }
        using (no_grad()) model.forward(input).Dispose();
        foreach (Action remove in removers) remove();
        return macs;
    }
}
