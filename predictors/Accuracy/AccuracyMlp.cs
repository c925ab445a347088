using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Predictors.Accuracy;

/// <summary>
/// The OFA reference's accuracy predictor network: 3 hidden layers of 400 with ReLU and a final linear
/// layer without bias, added to a fixed base accuracy (the mean of the training rows).
/// </summary>
public sealed class AccuracyMlp : nn.Module<Tensor, Tensor>
{
    public const int Hidden = 400;
    private readonly Sequential _layers;
    // Named as registered, so Module.to() (device or dtype) puts the moved tensor back into this field.
    [TorchSharp.Utils.ComponentName(Name = "base_accuracy")] private readonly Tensor _base;

    public AccuracyMlp(int inputs, double baseAccuracy) : base("accuracy_mlp")
    {
        _layers = nn.Sequential(
            nn.Linear(inputs, Hidden), nn.ReLU(),
            nn.Linear(Hidden, Hidden), nn.ReLU(),
            nn.Linear(Hidden, Hidden), nn.ReLU(),
            nn.Linear(Hidden, 1, hasBias: false));
        _base = tensor((float)baseAccuracy);
        register_module("layers", _layers);
        register_buffer("base_accuracy", _base);
    }

    public double BaseAccuracy => _base.item<float>();

    public override Tensor forward(Tensor x) => _layers.call(x).squeeze(1).Plus(_base);
}
