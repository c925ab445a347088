using System.ComponentModel.DataAnnotations;

namespace NasPrune.Training.Configuration;

/// <summary>
/// Transformable architecture search of a CIFAR ResNet (design note tas.md): base training (or a given
/// base model), the bi-level width/depth search, derivation, then KD training of the derived network.
/// The base and final trainings use the <c>training</c> recipe (lr, weight decay, label smoothing).
/// </summary>
public sealed record TasConfig
{
    /// <summary>The trained unpruned network (a ResNet run's model.npta); empty: the run trains it first (phase "base", training.epochs).</summary>
    public string? BaseModel { get; init; }

    public TasSearchConfig Search { get; init; } = new();
    public TasFinalConfig Final { get; init; } = new();
}

public sealed record TasSearchConfig
{
    /// <summary>Search epochs of as many steps as a training epoch; each step takes one batch from each half of the train split, so an epoch passes over each half twice.</summary>
    [Range(1, 100_000)]
    public int Epochs { get; init; } = 10;

    /// <summary>Peak learning rate of the search network's weights (SGD, cosine).</summary>
    [Range(1e-8, 10.0)]
    public double WeightLr { get; init; } = 0.1;

    [Range(1e-8, 1.0)]
    public double ArchLr { get; init; } = 1e-3;

    [Range(0.0, 1.0)]
    public double ArchWeightDecay { get; init; } = 1e-3;

    /// <summary>Target cost as a fraction of the unpruned network's MACs.</summary>
    [Range(0.01, 1.0)]
    public double FlopsTarget { get; init; } = 0.5;

    [Range(0.0, 1.0)]
    public double Tolerance { get; init; } = 0.05;

    /// <summary>Weight of the cost loss.</summary>
    [Range(0.0, 1000.0)]
    public double Lambda { get; init; } = 2;

    /// <summary>Gumbel-softmax temperature, linear from TauMax to TauMin over the search (the paper's schedule).</summary>
    [Range(1e-3, 1000.0)]
    public double TauMax { get; init; } = 10;

    [Range(1e-3, 1000.0)]
    public double TauMin { get; init; } = 0.1;

    public bool SearchWidth { get; init; } = true;
    public bool SearchDepth { get; init; } = true;
}

public sealed record TasFinalConfig
{
    [Range(1, 100_000)]
    public int Epochs { get; init; } = 50;

    /// <summary>Linear warm-up epochs on top of <see cref="Epochs"/>.</summary>
    [Range(0, 10_000)]
    public int WarmupEpochs { get; init; }

    /// <summary>False: train the derived network from scratch without KD (the "rethinking" baseline).</summary>
    public bool Distill { get; init; } = true;

    /// <summary>loss = (1 - a) CE + a T^2 KL(teacher || student) at temperature T.</summary>
    [Range(0.0, 1.0)]
    public double KdAlpha { get; init; } = 0.9;

    [Range(0.1, 100.0)]
    public double KdTemperature { get; init; } = 4;

    /// <summary>An architecture to train instead of searching one: TasArchitecture text, or @file (e.g. @runs/fmnist-tas-resnet20/tas-architecture.txt).</summary>
    public string? Architecture { get; init; }
}
