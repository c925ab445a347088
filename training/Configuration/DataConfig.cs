using System.ComponentModel.DataAnnotations;

namespace NasPrune.Training.Configuration;

public sealed record DataConfig
{
    [AllowedValues("fashion-mnist", "cifar10")]
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Folder of the data files; empty: env NASPRUNE_DATA, then the Debian default.</summary>
    public string? Root { get; init; }

    /// <summary>Images held out from the end of the training files as the validation split.</summary>
    [Range(1, 50_000)]
    public int ValidationSize { get; init; } = 10_000;

    /// <summary>Use only the first N training images (0: all); for quick runs.</summary>
    [Range(0, 1_000_000)]
    public int TrainSubset { get; init; }

    /// <summary>Random crop with 2-pixel zero padding and horizontal flip.</summary>
    public bool Augment { get; init; } = true;
}
