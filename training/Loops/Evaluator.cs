using NasPrune.Supernet.Ofa;
using NasPrune.Training.Data;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Training.Loops;

/// <summary>Evaluates a classifier on a split in eval mode, without gradients, one dispose scope per batch.</summary>
public static class Evaluator
{
    /// <param name="resolution">When set, batches are resized (bilinear) to this size first: elastic-resolution sub-networks.</param>
    /// <param name="predictions">When given, each image's predicted class (arg max of its logits) is appended, in the split's order.</param>
    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, ImageDataset data, Normalization normalization,
        int batchSize, Device device, int? resolution = null, List<int>? predictions = null)
    {
        bool wasTraining = model.training;
        model.eval();
        var loader = new BatchLoader(data, batchSize, normalization, augmentation: null, shuffle: false, dropLast: false, seed: 0);
        double lossSum = 0, top1 = 0, top5 = 0;
        int seen = 0;
        using (no_grad())
        {
            for (int b = 0; b < loader.BatchesPerEpoch; b++)
            {
                using var scope = NewDisposeScope();
                Batch batch = loader.GetBatch(0, b, device);
                Tensor images = resolution is int size ? OfaInput.Resize(batch.Images, size) : batch.Images;
                Tensor logits = model.call(images);
                lossSum += F.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum).item<float>();
                (top1, top5) = (top1 + CountCorrect(logits, batch.Labels, 1), top5 + CountCorrect(logits, batch.Labels, 5));
                predictions?.AddRange(logits.argmax(1).to(ScalarType.Int32).cpu().data<int>().ToArray());
                seen += batch.Count;
            }
        }
        if (wasTraining) model.train();
        return new EvaluationResult(lossSum / seen, 100.0 * top1 / seen, 100.0 * top5 / seen, seen);
    }

    /// <summary>How many rows have their label among the k highest logits.</summary>
    public static long CountCorrect(Tensor logits, Tensor labels, int k)
    {
        using var scope = NewDisposeScope();
        k = Math.Min(k, (int)logits.shape[1]);
        Tensor top = logits.topk(k, dim: 1).Item2;
        return top.eq(labels.unsqueeze(1)).any(dim: 1).sum().item<long>();
    }
}
