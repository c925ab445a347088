using static TorchSharp.torch;

namespace NasPrune.Training.Data;

/// <summary>A batch: normalised float images [B, C, H, W] and int64 labels [B], in the caller's dispose scope.</summary>
public sealed record Batch(Tensor Images, Tensor Labels, int Count);
