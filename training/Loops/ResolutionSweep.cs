using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Runtime;
using NasPrune.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Training.Loops;

/// <summary>One row of a resolution sweep: the network's accuracy at <see cref="Resolution"/> after BN recalibration there.</summary>
public sealed record ResolutionRow(int Resolution, double Top1, double Top5, double Loss, int Images);

/// <summary>
/// How well one trained network works at several input resolutions. A BN network's running statistics
/// belong to the resolution it was trained or recalibrated at, so each resolution is measured the way
/// sub-networks are everywhere else (design note: after BN recalibration): re-estimate the statistics on
/// the recalibration images resized to that resolution, then evaluate the split at it. The network's own
/// statistics are put back afterwards, so the sweep leaves it as it found it and one resolution's figure
/// does not depend on which resolutions came before.
/// </summary>
public static class ResolutionSweep
{
    public const int MinResolution = 8;
    public const int MaxResolution = 1024;

    public static IReadOnlyList<ResolutionRow> Run(nn.Module<Tensor, Tensor> model, DataSplits data, ImageDataset split,
        IReadOnlyList<int> resolutions, int recalibrationImages, ulong recalibrationSeed, int evalBatchSize, Device device,
        Action<ResolutionRow>? measured = null)
    {
        Validate(resolutions);
        var norms = ModuleTree.All<SafeBatchNorm2d>(model);
        var saved = norms.Select(bn => (Mean: bn.running_mean!.clone().DetachFromDisposeScope(), Var: bn.running_var!.clone().DetachFromDisposeScope())).ToList();
        bool wasTraining = model.training;
        try
        {
            var rows = new List<ResolutionRow>();
            foreach (int resolution in resolutions)
            {
                BnRecalibration.Recalibrate(model,
                    RecalibrationImages.Batches(data.Train, data.Normalization, recalibrationImages, resolution, recalibrationSeed, device));
                EvaluationResult r = Evaluator.Evaluate(model, split, data.Normalization, evalBatchSize, device, resolution);
                rows.Add(new ResolutionRow(resolution, r.Top1, r.Top5, r.Loss, r.Images));
                measured?.Invoke(rows[^1]); // each resolution takes minutes on a large split: show it as it comes
            }
            return rows;
        }
        finally
        {
            using (no_grad())
            {
                for (int i = 0; i < norms.Count; i++)
                {
                    norms[i].running_mean!.copy_(saved[i].Mean);
                    norms[i].running_var!.copy_(saved[i].Var);
                    saved[i].Mean.Dispose();
                    saved[i].Var.Dispose();
                }
            }
            model.train(wasTraining);
        }
    }

    /// <summary>Parses "20,24,28,32" (the command-line form) into resolutions, with one clear error line on bad input.</summary>
    public static IReadOnlyList<int> Parse(string text)
    {
        var values = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(part => int.TryParse(part, out int v) ? v
                : throw new ArgumentException($"--resolutions: '{part}' is not an integer; give sizes in [{MinResolution}, {MaxResolution}] separated by commas, e.g. 20,24,28,32"))
            .ToList();
        Validate(values);
        return values;
    }

    private static void Validate(IReadOnlyList<int> resolutions)
    {
        if (resolutions.Count == 0) throw new ArgumentException("--resolutions: give at least one size, e.g. 20,24,28,32");
        foreach (int r in resolutions)
            if (r < MinResolution || r > MaxResolution)
                throw new ArgumentException($"--resolutions: {r} is outside the allowed [{MinResolution}, {MaxResolution}]");
        if (resolutions.Distinct().Count() != resolutions.Count)
            throw new ArgumentException("--resolutions: each size may appear only once");
    }
}
