using NasPrune.Training.Optimization;
using TorchSharp;
using NasPrune.Tests.TestSupport;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training;

public sealed class SgdOptimizerTests
{
    [Fact]
    public void MatchesTorchSgdWithNesterovMomentum()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var ours = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3));
        var theirs = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3));
        using (no_grad())
            foreach (var (a, b) in ours.parameters().Zip(theirs.parameters())) b.copy_(a);
        var x = randn(8, 5);
        var y = randint(0, 3, [8]);

        using var sgd = new SgdOptimizer(ours.named_parameters().Select(p => (p.name, p.parameter)), 0.9, nesterov: true, weightDecay: 0);
        var reference = optim.SGD(theirs.parameters(), 0.1, momentum: 0.9, nesterov: true);
        for (int step = 0; step < 5; step++)
        {
            sgd.ZeroGrad();
            nn.functional.cross_entropy(ours.forward(x), y).backward();
            sgd.Step(0.1);
            reference.zero_grad();
            nn.functional.cross_entropy(theirs.forward(x), y).backward();
            reference.step();
        }
        foreach (var (a, b) in ours.parameters().Zip(theirs.parameters()))
            Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void ClipGradNormCountsOnlyItsOwnParameters()
    {
        using var scope = NewDisposeScope();
        var mine = new TorchSharp.Modules.Parameter(zeros(4));
        var other = new TorchSharp.Modules.Parameter(zeros(3)); // e.g. architecture logits still holding their last step's gradient
        mine.grad = tensor(new float[] { 3, 0, 0, 4 });          // norm 5
        other.grad = full(3, 1000f);
        using var sgd = new SgdOptimizer([("mine", mine)], 0.9, nesterov: false, weightDecay: 0);

        sgd.ClipGradNorm(10); // 5 <= 10: left alone, whatever the other gradient
        TensorAssert.Close(tensor(new float[] { 3, 0, 0, 4 }), mine.grad!, 0, "under the clip");
        sgd.ClipGradNorm(1);
        TensorAssert.Close(tensor(new float[] { 0.6f, 0, 0, 0.8f }), mine.grad!, 1e-5, "clipped to norm 1");
        TensorAssert.Close(full(3, 1000f), other.grad!, 0, "not its parameter");
    }

    [Fact]
    public void WeightDecaySkipsBatchNormAndBiases()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("conv", nn.Conv2d(1, 2, 3)), ("bn", nn.BatchNorm2d(2)), ("fc", nn.Linear(2, 2)));
        using var sgd = new SgdOptimizer(model.named_parameters().Select(p => (p.name, p.parameter)), 0.9, true, 5e-4);
        Assert.Equal(["conv.weight", "fc.weight"], sgd.DecayedParameters.OrderBy(n => n).ToArray());
    }

    [Fact]
    public void StateRoundTripsByName()
    {
        using var scope = NewDisposeScope();
        var model = nn.Linear(3, 2);
        using var sgd = new SgdOptimizer(model.named_parameters().Select(p => (p.name, p.parameter)), 0.9, true, 0);
        nn.functional.mse_loss(model.forward(ones(4, 3)), zeros(4, 2)).backward();
        sgd.Step(0.1);
        var saved = sgd.State().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var other = new SgdOptimizer(model.named_parameters().Select(p => (p.name, p.parameter)), 0.9, true, 0);
        other.LoadState(saved, "", "test");
        foreach (var (name, value) in other.State()) TensorAssert.BitEqual(saved[name], value, name);
        Assert.Throws<InvalidDataException>(() => other.LoadState(new Dictionary<string, Tensor>(), "", "test"));
    }
}
