using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Normalization;

/// <summary>
/// BatchNorm over [N, C, H, W] with PyTorch's names and state (weight, bias, running_mean, running_var,
/// num_batches_tracked), used instead of TorchSharp's BatchNorm2d: that one counts batches with
/// <c>num_batches_tracked.add_(1)</c>, a temporary Scalar the GC can free during the call (see
/// <see cref="ScalarMath"/>), which crashed long runs with "Expected false to be true" in Scalar::toLong.
/// Checkpoints are interchangeable with TorchSharp's module. Momentum is always a number (no cumulative average).
/// </summary>
public sealed class SafeBatchNorm2d : nn.Module<Tensor, Tensor>
{
    private readonly bool _affine;

    public SafeBatchNorm2d(long features, double eps = 1e-5, double momentum = 0.1, bool affine = true) : base("BatchNorm2d")
    {
        if (features <= 0) throw new ArgumentException($"BatchNorm features must be positive, got {features}");
        (Features, Eps, Momentum, _affine) = (features, eps, momentum, affine);
        // Detached from any dispose scope the module is built in: the module owns these tensors.
        using (NewDisposeScope())
        {
            if (affine)
            {
                register_parameter("weight", Owned(new Parameter(ones(features))));
                register_parameter("bias", Owned(new Parameter(zeros(features))));
            }
            register_buffer("running_mean", Owned(zeros(features)));
            register_buffer("running_var", Owned(ones(features)));
            register_buffer("num_batches_tracked", Owned(tensor(0L)));
        }
    }

    private static T Owned<T>(T tensor) where T : Tensor
    {
        tensor.DetachFromDisposeScope();
        return tensor;
    }

    public long Features { get; }
    public double Eps { get; }
    public double Momentum { get; }

    // Read through the registry, which Module.to() updates when it moves the tensors.
    public Parameter? weight => _affine ? get_parameter("weight") : null;
    public Parameter? bias => _affine ? get_parameter("bias") : null;
    public Tensor running_mean => get_buffer("running_mean")!;
    public Tensor running_var => get_buffer("running_var")!;
    public Tensor num_batches_tracked => get_buffer("num_batches_tracked")!;

    public override Tensor forward(Tensor input)
    {
        if (input.ndim != 4) throw new ArgumentException($"BatchNorm2d expects a 4-D input [N, C, H, W], got {input.ndim}-D");
        if (training)
            using (no_grad()) num_batches_tracked.PlusInPlace(1L);
        return F.batch_norm(input, running_mean, running_var, weight, bias, training, Momentum, Eps);
    }
}
