using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Experiments.Bench;

/// <summary>
/// Inference latency of a sparse network run dense (masked weights, zeros multiplied) and with the sparse
/// kernel (<see cref="SparseKernel"/>) at several batch sizes, on the same inputs, after checking both give
/// the same outputs. <paramref name="useSparseKernels"/> switches the network between the two.
/// </summary>
public static class SparseBench
{
    public static IReadOnlyList<BenchRow> Run(nn.Module<Tensor, Tensor> net, long[] imageShape, IReadOnlyList<int> batches, Device device, int repeats, Action<bool> useSparseKernels)
    {
        var rows = new List<BenchRow>();
        net.eval();
        using var noGrad = no_grad();
        foreach (int batch in batches)
        {
            using Tensor x = randn([batch, .. imageShape], device: device);
            useSparseKernels(false);
            using Tensor reference = net.call(x);
            double dense = Timing.MedianSeconds(() => net.call(x).Dispose(), warmup: 5, repeats);
            useSparseKernels(true);
            using Tensor sparseOutput = net.call(x);
            double difference = sparseOutput.sub(reference).abs().max().item<float>();
            if (difference > 1e-3) throw new InvalidOperationException($"the sparse kernel's outputs differ from the dense ones by {difference}");
            double sparse = Timing.MedianSeconds(() => net.call(x).Dispose(), warmup: 5, repeats);
            useSparseKernels(false);
            rows.Add(new BenchRow("sparse-net-latency-dense", $"batch {batch}", dense * 1e3, "ms"));
            rows.Add(new BenchRow("sparse-net-latency-sparse-kernel", $"batch {batch}", sparse * 1e3, "ms"));
            rows.Add(new BenchRow("sparse-kernel-speedup", $"batch {batch}", dense / sparse, "x"));
        }
        return rows;
    }
}
