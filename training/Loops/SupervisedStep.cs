using NasPrune.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Training.Loops;

/// <summary>One optimiser step of a classifier on a batch with a given loss of its logits (the classifier, TAS base and final phases).</summary>
public static class SupervisedStep
{
    /// <param name="clipNorm">If set, the gradients' global norm is clipped to it before the step (DARTS clips at 5).</param>
    public static StepStatistics Run(OptimizedModule trained, Tensor images, Tensor labels, double lr, Func<Tensor, Tensor> loss, double? clipNorm = null)
    {
        trained.Optimizer.ZeroGrad();
        Tensor logits = trained.Module.call(images);
        Tensor value = loss(logits);
        value.backward();
        if (clipNorm is double max) trained.Optimizer.ClipGradNorm(max);
        trained.Optimizer.Step(lr);
        return new StepStatistics(value.item<float>(), 1, Correct(logits, labels), labels.size(0));
    }

    /// <summary>Rows whose highest logit is the label.</summary>
    public static long Correct(Tensor logits, Tensor labels) => logits.argmax(1).eq(labels).sum().item<long>();
}
