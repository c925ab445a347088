namespace NasPrune.Training.Configuration;

public sealed record ModelConfig
{
    /// <summary>A CIFAR-style ResNet name: resnet20, resnet32, resnet44, resnet56, resnet110.</summary>
    public string Arch { get; init; } = "resnet20";
}
