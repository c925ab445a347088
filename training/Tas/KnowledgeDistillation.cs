using NasPrune.Supernet.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Training.Tas;

/// <summary>Hinton distillation as TAS trains its derived network: (1 - a) CE(student, labels) + a T^2 KL(teacher || student) at temperature T, averaged over the batch.</summary>
public static class KnowledgeDistillation
{
    public static Tensor Loss(Tensor studentLogits, Tensor teacherLogits, Tensor labels, double alpha, double temperature)
    {
        // Both as log-probabilities (log_target: true): exact and stable; TorchSharp's default differs from PyTorch's, so it is spelled out.
        Tensor kl = F.kl_div(F.log_softmax(studentLogits.DividedBy(temperature), 1), F.log_softmax(teacherLogits.DividedBy(temperature), 1),
            reduction: TorchSharp.torch.nn.Reduction.Sum, log_target: true).DividedBy(studentLogits.size(0));
        return F.cross_entropy(studentLogits, labels).Times(1 - alpha).Plus(kl, alpha * temperature * temperature);
    }
}
