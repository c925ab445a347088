using NasPrune.Supernet.Darts;
using NasPrune.Supernet.Tas;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Loops;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training.Loops;

/// <summary>
/// The two steps of a bi-level search pause the other kind's parameters: the gradients they keep must be the ones a
/// full backward pass gives, bit for bit, and the paused ones must get none and take gradients again afterwards.
/// </summary>
public sealed class GradientPauseTests
{
    public static TheoryData<string, bool> Cases => new()
    {
        { "tas", true }, { "tas", false }, { "darts", true }, { "darts", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void KeptGradientsAreBitEqualToAFullBackwardAndPausedOnesAreNone(string network, bool architectureStep)
    {
        manual_seed(3);
        using nn.Module<Tensor, Tensor> net = network == "tas"
            ? new SearchableResNet(TasSearchSpace.ForResNet(14, 1, 10, 12)) { Temperature = 5 }
            : new DartsSearchNetwork(TinyDarts.Spec);
        Func<string, bool> isArchitecture = network == "tas" ? SearchableResNet.IsArchitecture : DartsSearchNetwork.IsArchitecture;
        Func<string, bool> paused = architectureStep ? name => !isArchitecture(name) : isArchitecture;
        net.train();
        Tensor x = randn(4, 1, 12, 12, generator: new Generator(7));
        Tensor y = tensor(new long[] { 1, 3, 5, 7 });

        Dictionary<string, Tensor> full = Gradients(net, x, y, pause: null);
        Dictionary<string, Tensor> kept = Gradients(net, x, y, pause: paused);

        Assert.NotEmpty(kept);
        Assert.Equal(full.Keys.Where(name => !paused(name)).Order(), kept.Keys.Order()); // every kept gradient, none paused
        // One exception, of float rounding only: with the weights paused, no gradient passes through the first cells'
        // dilated convolutions, so they run libtorch's kernel instead of the polyphase form (DilatedDepthwise), both
        // exact up to rounding.
        bool otherKernels = network == "darts" && architectureStep;
        foreach (var (name, gradient) in kept)
            if (otherKernels) TensorAssert.Close(full[name], gradient, 1e-6, name);
            else TensorAssert.BitEqual(full[name], gradient, name);
        Assert.All(net.parameters(), p => Assert.True(p.requires_grad)); // released
    }

    /// <summary>One forward and backward with a fixed seed (Gumbel draws); the gradients by name, then cleared.</summary>
    private static Dictionary<string, Tensor> Gradients(nn.Module<Tensor, Tensor> net, Tensor x, Tensor y, Func<string, bool>? pause)
    {
        manual_seed(11);
        using (pause is null ? null : GradientPause.Of(net, pause))
            nn.functional.cross_entropy(net.call(x), y).backward();
        var gradients = new Dictionary<string, Tensor>();
        foreach (var (name, p) in net.named_parameters())
        {
            if (p.grad is not null) gradients[name] = p.grad.clone();
            p.grad = null;
        }
        return gradients;
    }
}
