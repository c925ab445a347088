namespace NasPrune.Training.Data;

/// <summary>A data set that is missing or malformed. The message is one line naming the file and what was expected.</summary>
public sealed class DatasetException(string message) : Exception(message);
