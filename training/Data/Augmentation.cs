namespace NasPrune.Training.Data;

/// <summary>
/// Training augmentation: a random crop of the original size from the image zero-padded by
/// <see cref="Padding"/> pixels (black before normalisation), and a random horizontal flip.
/// </summary>
public sealed record Augmentation(int Padding, bool HorizontalFlip)
{
    /// <summary>The design note's: crop 28 with 2-pixel padding, horizontal flip.</summary>
    public static readonly Augmentation Standard = new(2, true);
}
