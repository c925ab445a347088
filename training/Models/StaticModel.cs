using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace NasPrune.Training.Models;

/// <summary>
/// A static network to train: the module, the resolution its input must be resized to (null: the data's
/// own size) and its forward multiply-accumulates per image.
/// </summary>
public sealed record StaticModel(nn.Module<Tensor, Tensor> Module, int? InputResolution, long FixedMacs)
{
    /// <summary>MACs at a given input size, for models whose cost depends on it (ResNets).</summary>
    public Func<int, long>? MacsAtSize { get; init; }

    /// <summary>What model.npta's metadata says about the model (default: its arch); DARTS networks add their genotype and shape.</summary>
    public JsonObject? FileMetadata { get; init; }

    public long Macs(int dataSize) => MacsAtSize?.Invoke(InputResolution ?? dataSize) ?? FixedMacs;
}
