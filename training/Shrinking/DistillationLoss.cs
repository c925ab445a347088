using NasPrune.Supernet.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Training.Shrinking;

/// <summary>The progressive-shrinking loss of one sub-network (design note ofa.md).</summary>
public static class DistillationLoss
{
    /// <summary>Mean over the batch of -sum_c p_c log softmax(logits)_c: cross-entropy against soft targets.</summary>
    public static Tensor SoftCrossEntropy(Tensor logits, Tensor targetProbabilities) =>
        targetProbabilities.mul(F.log_softmax(logits, 1)).sum(1).mean().neg();

    /// <summary>kdRatio x soft-CE(student, teacher softmax) + label-smoothed CE; without a teacher only the latter.</summary>
    public static Tensor Of(Tensor logits, Tensor labels, double labelSmoothing, Tensor? teacherProbabilities, double kdRatio)
    {
        Tensor loss = F.cross_entropy(logits, labels, label_smoothing: labelSmoothing);
        return teacherProbabilities is null || kdRatio == 0 ? loss : loss.Plus(SoftCrossEntropy(logits, teacherProbabilities), kdRatio);
    }
}
