using System.ComponentModel.DataAnnotations;

namespace NasPrune.Training.Configuration;

/// <summary>
/// Prune a trained ResNet, then fine-tune it with the <c>training</c> recipe: L1-norm filter pruning of
/// every block's first conv (the same share everywhere), the share chosen to reach the cost target.
/// </summary>
public sealed record PruningConfig
{
    [AllowedValues("l1")]
    public string Method { get; init; } = "l1";

    /// <summary>The trained network to prune (a ResNet run's model.npta).</summary>
    [Required]
    public string BaseModel { get; init; } = "";

    /// <summary>Target cost as a fraction of the base network's MACs.</summary>
    [Range(0.01, 1.0)]
    public double FlopsTarget { get; init; } = 0.5;
}
