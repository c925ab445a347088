using NasPrune.Supernet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Tas;

/// <summary>
/// The expected cost (multiply-accumulates) of the searched network under the current width and depth
/// distributions (plain softmax of the logits), differentiable in them: each conv costs
/// k^2 * H * W * E[C_in] * E[C_out] with E[C] = sum_j p_j c_j; each block's cost is weighted by the
/// probability that its stage's depth reaches it; a stage's output width is the expectation over its
/// depth of the last active block's width. Equals the exact expectation of
/// <see cref="TasArchitecture.Macs"/> (search cost model, no stride-1 projections) over all architectures.
/// </summary>
public static class ExpectedFlops
{
    public static Tensor Compute(TasSearchSpace space, IReadOnlyList<Tensor> widthProbabilities, IReadOnlyList<Tensor> depthProbabilities)
    {
        Tensor Expected(int layer) =>
            widthProbabilities[layer].mul(tensor(space.WidthChoices[layer].Select(w => (float)w).ToArray(), device: widthProbabilities[layer].device)).sum();

        int size = space.InputSize;
        Tensor stem = Expected(0);
        Tensor macs = stem.Times(9.0 * space.InChannels * size * size);
        Tensor width = stem;
        int h = size;
        for (int s = 0; s < space.StageWidths.Count; s++)
        {
            int n = space.BlocksPerStage;
            IReadOnlyList<int> depths = space.DepthChoices[s];
            Tensor depthP = depthProbabilities[s];
            Tensor stageOut = zeros_like(stem);
            for (int b = 0; b < n; b++)
            {
                int stride = b == 0 && s > 0 ? 2 : 1;
                int outH = (h - 1) / stride + 1;
                double area = (double)outH * outH;
                int layer = TasSearchSpace.ConvA(s, b, n);
                Tensor a = Expected(layer), bw = Expected(layer + 1);
                Tensor cost = width.mul(a).Times(9 * area).Plus(a.mul(bw).Times(9 * area));
                if (stride == 2) cost = cost.Plus(width.mul(bw).Times(area));
                // P(depth > b): the block runs.
                int[] reaching = Enumerable.Range(0, depths.Count).Where(j => depths[j] > b).ToArray();
                Tensor active = reaching.Length == 0 ? zeros_like(stem) : depthP.index_select(0, tensor(reaching.Select(j => (long)j).ToArray(), device: depthP.device)).sum();
                macs = macs.Plus(cost.mul(active));
                // P(depth == b + 1): this block's output is the stage's.
                int exact = Array.IndexOf(depths.ToArray(), b + 1);
                if (exact >= 0) stageOut = stageOut.Plus(depthP[exact].mul(bw));
                (width, h) = (bw, outH);
            }
            width = stageOut;
        }
        return macs.Plus(width.Times(space.Classes));
    }
}
