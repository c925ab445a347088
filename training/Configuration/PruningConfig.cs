using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace NasPrune.Training.Configuration;

/// <summary>
/// Pruning of the network <c>model.arch</c> names (a ResNet; for the magnitude methods also a fixed DARTS cell
/// network), then training with the <c>training</c> recipe. Methods:
/// <list type="bullet">
/// <item><c>l1</c>: L1-norm filter pruning of every block's first conv of the trained <see cref="BaseModel"/> (the same
/// share everywhere, chosen to reach <see cref="FlopsTarget"/>), then fine-tuning of the narrower network.</item>
/// <item><c>global-magnitude</c>: one-shot unstructured pruning of the trained <see cref="BaseModel"/>: the
/// <see cref="Sparsity"/> share of all conv and linear weights with the smallest |w| (one threshold over all
/// layers) is zeroed at the start, then the network is fine-tuned with the pruned weights held at zero.</item>
/// <item><c>gradual-magnitude</c>: the same masks recomputed while training, the sparsity rising from 0 at
/// <see cref="StartEpoch"/> to <see cref="Sparsity"/> at <see cref="EndEpoch"/> on the cubic schedule of Zhu &amp; Gupta
/// ("To prune, or not to prune"); from <see cref="BaseModel"/> when given, else from scratch.</item>
/// </list>
/// </summary>
public sealed record PruningConfig
{
    public const string L1 = "l1";
    public const string GlobalMagnitude = "global-magnitude";
    public const string GradualMagnitude = "gradual-magnitude";

    [AllowedValues(L1, GlobalMagnitude, GradualMagnitude)]
    public string Method { get; init; } = L1;

    /// <summary>The trained network to prune (a run's model.npta of the same arch); required for l1 and global-magnitude, optional for gradual-magnitude.</summary>
    public string BaseModel { get; init; } = "";

    /// <summary>l1: target cost as a fraction of the base network's MACs.</summary>
    [Range(0.01, 1.0)]
    public double FlopsTarget { get; init; } = 0.5;

    /// <summary>Magnitude methods (required there): the share of the prunable weights (conv and linear weights) removed.</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true, MaximumIsExclusive = true)]
    public double? Sparsity { get; init; }

    /// <summary>Magnitude methods: every layer keeps at least this share of its weights (its largest), so no layer is cut off.</summary>
    [Range(0.0, 1.0)]
    public double MinKeep { get; init; } = 0.02;

    /// <summary>gradual-magnitude: the epoch whose start is the schedule's first update (sparsity 0 before).</summary>
    [Range(0, 100_000)]
    public int StartEpoch { get; init; }

    /// <summary>gradual-magnitude: the epoch by whose end the full sparsity is reached; default 3/4 of training.epochs, leaving the last quarter to recover at the final sparsity.</summary>
    [Range(1, 100_000)]
    public int? EndEpoch { get; init; }

    /// <summary>
    /// gradual-magnitude: mask updates per epoch (every floor(batches per epoch / this) steps). Default 1: on the
    /// full Fashion-MNIST split at batch 128 that is every 390 steps, inside the 100 to 1,000 steps between updates
    /// Zhu &amp; Gupta found to work, and every epoch's validation sees a single mask.
    /// </summary>
    [Range(1, 100_000)]
    public int UpdatesPerEpoch { get; init; } = 1;

    public bool IsMagnitude => Method is GlobalMagnitude or GradualMagnitude;

    public bool IsGradual => Method == GradualMagnitude;

    /// <summary>The schedule's end epoch for a run of <paramref name="epochs"/> epochs (<see cref="EndEpoch"/> or its default).</summary>
    public int EndEpochFor(int epochs) => EndEpoch ?? Math.Max(StartEpoch + 1, epochs * 3 / 4);

    /// <summary>Rules that depend on the method and on <c>training.epochs</c>; one line each, naming the field.</summary>
    public IEnumerable<string> Problems(int epochs, string path)
    {
        if (!IsMagnitude)
        {
            foreach (var (field, given) in new[] { ("sparsity", Sparsity is not null), ("endEpoch", EndEpoch is not null) })
                if (given) yield return $"config: '{path}.{field}' applies to the methods {GlobalMagnitude} and {GradualMagnitude}, not '{Method}' (which uses '{path}.flopsTarget')";
        }
        if (Method != GradualMagnitude && string.IsNullOrEmpty(BaseModel))
            yield return $"config: '{path}.baseModel' is required for method '{Method}' (a trained network's model.npta; only {GradualMagnitude} can start from scratch)";
        if (!IsMagnitude) yield break;
        if (Sparsity is not double sparsity)
        {
            yield return $"config: '{path}.sparsity' is required for method '{Method}' (the share of conv and linear weights removed, in (0, 1))";
            yield break;
        }
        if (MinKeep > 1 - sparsity)
            yield return $"config: '{path}.minKeep' ({Format(MinKeep)}) must not exceed 1 - '{path}.sparsity' ({Format(1 - sparsity)}): every layer could not keep it";
        if (!IsGradual)
        {
            if (EndEpoch is not null) yield return $"config: '{path}.endEpoch' applies to method {GradualMagnitude} only, not '{Method}'";
            yield break;
        }
        int end = EndEpochFor(epochs);
        if (StartEpoch >= epochs)
            yield return $"config: '{path}.startEpoch' ({StartEpoch}) must be before the end of training ('training.epochs' {epochs})";
        else if (StartEpoch >= end)
            yield return $"config: '{path}.startEpoch' ({StartEpoch}) must be before '{path}.endEpoch' ({end}{(EndEpoch is null ? ", the default 3/4 of training.epochs" : "")})";
        else if (end > epochs)
            yield return $"config: '{path}.endEpoch' ({end}) must not exceed 'training.epochs' ({epochs})";
    }

    private static string Format(double value) => Math.Round(value, 6).ToString(CultureInfo.InvariantCulture);
}
