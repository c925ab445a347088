using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Ofa.Elastic;

/// <summary>The OFA reference's "he_fout" initialisation, for elastic and static modules alike.</summary>
public static class Init
{
    /// <summary>Conv weight [out, in/groups, k, k] ~ N(0, sqrt(2 / (k * k * out))).</summary>
    public static void HeFanOut(Tensor weight)
    {
        using var noGrad = no_grad();
        long n = weight.shape[0] * weight.shape[2] * weight.shape[3];
        weight.normal_(0, Math.Sqrt(2.0 / n));
    }

    /// <summary>Linear weight ~ U(+-1/sqrt(in)), bias 0.</summary>
    public static void Linear(Tensor weight, Tensor? bias)
    {
        using var noGrad = no_grad();
        double bound = 1.0 / Math.Sqrt(weight.shape[1]);
        weight.uniform_(-bound, bound);
        bias?.zero_();
    }
}
