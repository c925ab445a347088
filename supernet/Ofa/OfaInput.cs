using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa;

/// <summary>Elastic resolution: a batch is resized (bilinear, no corner alignment) to the sub-network's resolution.</summary>
public static class OfaInput
{
    public static Tensor Resize(Tensor images, int resolution) =>
        images.shape[^1] == resolution && images.shape[^2] == resolution
            ? images.alias()
            : F.interpolate(images, [resolution, resolution], mode: InterpolationMode.Bilinear, align_corners: false);
}
