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

    // Read through the registry. Module.to() (device or dtype) sets a property named like a parameter or
    // buffer instead of registering the moved tensor itself, so each has a (private) setter that does it.
    public Parameter? weight { get => _affine ? get_parameter("weight") : null; private set => ReplaceParameter("weight", value); }
    public Parameter? bias { get => _affine ? get_parameter("bias") : null; private set => ReplaceParameter("bias", value); }
    public Tensor running_mean { get => get_buffer("running_mean")!; private set => ReplaceBuffer("running_mean", value); }
    public Tensor running_var { get => get_buffer("running_var")!; private set => ReplaceBuffer("running_var", value); }
    public Tensor num_batches_tracked { get => get_buffer("num_batches_tracked")!; private set => ReplaceBuffer("num_batches_tracked", value); }

    private void ReplaceParameter(string name, Parameter? value)
    {
        Parameter? old = get_parameter(name);
        ConditionallyRegisterParameter(name, value);
        if (!ReferenceEquals(old, value)) old?.Dispose();
    }

    private void ReplaceBuffer(string name, Tensor value)
    {
        Tensor? old = get_buffer(name);
        ConditionallyRegisterBuffer(name, value);
        if (!ReferenceEquals(old, value)) old?.Dispose();
    }

    public override Tensor forward(Tensor input)
    {
        if (input.ndim != 4) throw new ArgumentException($"BatchNorm2d expects a 4-D input [N, C, H, W], got {input.ndim}-D");
        if (training)
            using (no_grad()) num_batches_tracked.PlusInPlace(1L);
        return F.batch_norm(input, running_mean, running_var, weight, bias, training, Momentum, Eps);
    }
}
