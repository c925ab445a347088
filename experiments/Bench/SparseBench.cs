using NasPrune.Supernet.Sparse;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Experiments.Bench;

/// <summary>A trained sparse network and the switches of its sparse inference kernel.</summary>
public sealed record SparseBenchTarget(
    nn.Module<Tensor, Tensor> Net,
    long InChannels,
    Action<bool> UseSparseKernels,
    Func<IReadOnlyList<(string Name, ISparseKernelSwitch Switch)>> Switches,
    string Source);

/// <summary>One layer as the tuner timed it at one batch size (milliseconds, median of the repeats).</summary>
public sealed record SparseLayerTiming(int Batch, string Layer, string InputShape, bool ChannelsLast, double DenseMs, double SparseMs, bool KeptSparse);

/// <summary>
/// Inference latency of a sparse network at several batch sizes, on the same inputs: run dense (masked
/// weights, zeros multiplied), with the sparse kernel in every layer that has one (<see cref="SparseKernel"/>),
/// and tuned: the kernel only in the layers where <see cref="SparseKernelTuner"/> measured it faster at that
/// batch size. Before timing, the sparse outputs are checked against the dense ones. The three are timed in
/// interleaved rounds (<see cref="Timing.InterleavedMedianSeconds"/>).
/// </summary>
public static class SparseBench
{
    public static (IReadOnlyList<BenchRow> Rows, IReadOnlyList<SparseLayerTiming> Layers) Run(SparseBenchTarget target, int size, IReadOnlyList<int> batches, Device device, int repeats)
    {
        var rows = new List<BenchRow>();
        var layers = new List<SparseLayerTiming>();
        nn.Module<Tensor, Tensor> net = target.Net;
        net.eval();
        using var noGrad = no_grad();
        double Seconds(Action action) => Timing.MedianSeconds(action, warmup: 5, repeats);
        foreach (int batch in batches)
        {
            using Tensor x = randn([batch, target.InChannels, size, size], device: device);
            target.UseSparseKernels(false);
            using Tensor reference = net.call(x);
            target.UseSparseKernels(true);
            CheckOutputs(net, x, reference, "the sparse kernel");

            var choices = SparseKernelTuner.Choose(net, x, target.UseSparseKernels, target.Switches, action => Seconds(action));
            CheckOutputs(net, x, reference, "the tuned kernel choice");
            var keptSparse = choices.Where(c => c.Sparse).Select(c => c.Layer).ToHashSet();
            void Tuned()
            {
                target.UseSparseKernels(true);
                foreach (var (name, layer) in target.Switches()) if (!keptSparse.Contains(name)) layer.KeepDense();
            }
            void Run() => net.call(x).Dispose();
            double[] seconds = Timing.InterleavedMedianSeconds(
                [(() => target.UseSparseKernels(false), Run), (() => target.UseSparseKernels(true), Run), (Tuned, Run)], warmup: 3, repeats);
            double dense = seconds[0], sparse = seconds[1], tuned = seconds[2];
            target.UseSparseKernels(false);

            string config = $"batch {batch}";
            rows.Add(new BenchRow("sparse-net-latency-dense", config, dense * 1e3, "ms"));
            rows.Add(new BenchRow("sparse-net-latency-sparse-kernel", config, sparse * 1e3, "ms"));
            rows.Add(new BenchRow("sparse-kernel-speedup", config, dense / sparse, "x"));
            rows.Add(new BenchRow("sparse-net-latency-tuned", config, tuned * 1e3, "ms"));
            rows.Add(new BenchRow("tuned-speedup", config, dense / tuned, "x"));
            rows.Add(new BenchRow("tuned-sparse-layers", config, choices.Count(c => c.Sparse), $"of {choices.Count}"));
            layers.AddRange(choices.Select(c => new SparseLayerTiming(batch, c.Layer, string.Join('x', c.InputShape), c.ChannelsLast, c.DenseSeconds * 1e3, c.SparseSeconds * 1e3, c.Sparse)));
        }
        return (rows, layers);
    }

    private static void CheckOutputs(nn.Module<Tensor, Tensor> net, Tensor x, Tensor reference, string what)
    {
        using Tensor output = net.call(x);
        double difference = output.sub(reference).abs().max().item<float>();
        if (difference > 1e-3) throw new InvalidOperationException($"{what} gives outputs {difference} away from the dense ones");
    }
}
