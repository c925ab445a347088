namespace NasPrune.Training.Data;

/// <summary>The fixed train / validation / test splits of a data set, with its normalisation.</summary>
public sealed record DataSplits(ImageDataset Train, ImageDataset Validation, ImageDataset Test, Normalization Normalization);
