namespace NasPrune.Training.Data;

/// <summary>One expected file of a data set: where it was found (null: not found), its size and item count.</summary>
public sealed record DatasetFileInfo(string File, string? Path, long Bytes, int Items);
