using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Randomness;
using NasPrune.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Experiments.Bench;

/// <summary>
/// The figures the OFA reference's peer benchmark measures, on the same work (ofa-mbv3-small, width
/// 0.5, 28x28 grey input, median of timed repeats after warm-up): training images/s of the largest
/// network and of a 4-sub-network step, and eval latency of sub-networks run inside the supernet vs
/// extracted, at batch 1 and the training batch, for the largest, a middle and the smallest config.
/// </summary>
public static class SupernetBench
{
    public static IReadOnlyList<BenchRow> Run(OfaSupernet supernet, Device device, int batch, int repeats)
    {
        var rows = new List<BenchRow>();
        OfaSearchSpace space = supernet.Space;
        rows.Add(new BenchRow("params_full", "largest", supernet.parameters().Sum(p => p.numel()), "count"));
        supernet.to(device);
        using (var scope = NewDisposeScope())
        {
            Tensor x = randn(batch, space.InputChannels, 28, 28, device: device);
            Tensor y = randint(0, space.Classes, [batch], device: device);
            using var optimizer = new SgdOptimizer(supernet.named_parameters().Select(p => (p.name, p.parameter)), 0.9, true, 0);
            supernet.train();
            SubnetConfig largest = Uniform(space, 4, 7, 6);
            double largestStep = Timing.MedianSeconds(() => TrainStep(supernet, optimizer, x, y, [largest]), 3, repeats);
            rows.Add(new BenchRow("train_step_largest", $"b{batch}", batch / largestStep, "images/s"));
            var random = new SplitMix64(0);
            double fourStep = Timing.MedianSeconds(() =>
                TrainStep(supernet, optimizer, x, y, Enumerable.Range(0, 4).Select(_ => SubnetSampler.Sample(space, random).WithResolution(28)).ToArray()),
                2, Math.Max(3, repeats * 6 / 10));
            rows.Add(new BenchRow("train_step_4subnets", $"b{batch}", batch / fourStep, "images/s"));
        }

        supernet.eval();
        var configs = new (string Name, SubnetConfig Config)[]
        {
            ("largest", Uniform(space, 4, 7, 6)),
            ("middle", Uniform(space, 3, 5, 4)),
            ("smallest", Uniform(space, 2, 3, 3)),
        };
        foreach (var (name, config) in configs)
        {
            using StaticOfaNet extracted = SubnetExtractor.Extract(supernet, config);
            extracted.to(device);
            extracted.eval();
            foreach (int b in new[] { 1, batch })
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                Tensor x = randn(b, space.InputChannels, 28, 28, device: device);
                double difference = (supernet.Forward(x, config) - extracted.call(x)).abs().max().item<float>();
                int reps = b == 1 ? repeats * 20 : repeats * 2;
                double inSupernet = Timing.MedianSeconds(() => Forward(() => supernet.Forward(x, config)), 5, reps);
                double alone = Timing.MedianSeconds(() => Forward(() => extracted.call(x)), 5, reps);
                rows.Add(new BenchRow("eval_ms_in_supernet", $"{name}_b{b}", inSupernet * 1e3, "ms"));
                rows.Add(new BenchRow("eval_ms_extracted", $"{name}_b{b}", alone * 1e3, "ms"));
                rows.Add(new BenchRow("supernet_over_extracted", $"{name}_b{b}", inSupernet / alone, "ratio"));
                rows.Add(new BenchRow("max_abs_diff", $"{name}_b{b}", difference, "abs"));
            }
        }
        return rows;
    }

    /// <summary>The peer's configs: one depth, kernel and expand ratio everywhere, at 28x28.</summary>
    private static SubnetConfig Uniform(OfaSearchSpace space, int depth, int kernel, double expand) =>
        SubnetConfig.Uniform(space, 28, depth, kernel, expand);

    private static void TrainStep(OfaSupernet supernet, SgdOptimizer optimizer, Tensor x, Tensor y, SubnetConfig[] configs)
    {
        optimizer.ZeroGrad();
        foreach (SubnetConfig config in configs)
        {
            using var scope = NewDisposeScope();
            F.cross_entropy(supernet.Forward(x, config), y).backward();
        }
        optimizer.Step(0.01);
    }

    private static void Forward(Func<Tensor> forward)
    {
        using var scope = NewDisposeScope();
        forward().sum().item<float>();
    }
}
