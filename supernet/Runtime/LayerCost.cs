namespace NasPrune.Supernet.Runtime;

/// <summary>
/// One weight layer's size and cost for one image (<see cref="LayerCosts.Measure"/>): its weights, those
/// that are not zero, and the multiply-accumulates of a dense and of a sparse kernel (zero weights skipped).
/// </summary>
public sealed record LayerCost(string Name, long Weights, long NonZeroWeights, long Macs, long NonZeroMacs);
