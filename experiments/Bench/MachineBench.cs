using NasPrune.Supernet.Models;
using NasPrune.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Experiments.Bench;

/// <summary>
/// What this machine can do and how much of it the training step uses: float32 matmul GFLOP/s (the
/// practical ceiling), and the ResNet-20 training step's images/s and achieved GFLOP/s (a training
/// step counted as 3x the forward pass: forward, input gradients, weight gradients; 2 FLOPs per MAC).
/// </summary>
public static class MachineBench
{
    public static IReadOnlyList<BenchRow> Run(Device device, int batch, int matmulSize, int repeats)
    {
        var rows = new List<BenchRow>();
        double matmul = MatmulGflops(device, matmulSize, repeats);
        rows.Add(new BenchRow("matmul_gflops", $"n{matmulSize}", matmul, "GFLOP/s"));

        var spec = ResNetSpec.FromName("resnet20", 1, 10);
        using var model = new CifarResNet(spec);
        model.to(device);
        double stepSeconds = TrainStepSeconds(model, device, batch, repeats);
        double imagesPerSecond = batch / stepSeconds;
        double achieved = 3 * 2.0 * spec.Macs(28) * imagesPerSecond / 1e9;
        rows.Add(new BenchRow("resnet20_train_images_per_s", $"b{batch}", imagesPerSecond, "images/s"));
        rows.Add(new BenchRow("resnet20_train_gflops", $"b{batch}", achieved, "GFLOP/s"));
        rows.Add(new BenchRow("resnet20_train_share_of_matmul", $"b{batch}", achieved / matmul, "ratio"));

        double evalSeconds = EvalSeconds(model, device, batch, repeats);
        rows.Add(new BenchRow("resnet20_eval_images_per_s", $"b{batch}", batch / evalSeconds, "images/s"));
        return rows;
    }

    private static double MatmulGflops(Device device, int n, int repeats)
    {
        using var scope = NewDisposeScope();
        Tensor a = randn(n, n, device: device), b = randn(n, n, device: device);
        double seconds = Timing.MedianSeconds(() =>
        {
            using var inner = NewDisposeScope();
            a.mm(b).sum().item<float>();
        }, warmup: 2, repeats);
        return 2.0 * n * n * n / seconds / 1e9;
    }

    private static double TrainStepSeconds(CifarResNet model, Device device, int batch, int repeats)
    {
        using var scope = NewDisposeScope();
        Tensor x = randn(batch, 1, 28, 28, device: device);
        Tensor y = randint(0, 10, [batch], device: device);
        using var optimizer = new SgdOptimizer(model.named_parameters().Select(p => (p.name, p.parameter)), 0.9, true, 5e-4);
        model.train();
        return Timing.MedianSeconds(() =>
        {
            using var step = NewDisposeScope();
            Tensor loss = F.cross_entropy(model.call(x), y, label_smoothing: 0.1);
            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step(0.01);
            loss.item<float>();
        }, warmup: 3, repeats);
    }

    private static double EvalSeconds(CifarResNet model, Device device, int batch, int repeats)
    {
        using var scope = NewDisposeScope();
        Tensor x = randn(batch, 1, 28, 28, device: device);
        model.eval();
        using var noGrad = no_grad();
        return Timing.MedianSeconds(() =>
        {
            using var step = NewDisposeScope();
            model.call(x).sum().item<float>();
        }, warmup: 3, repeats);
    }
}
