namespace NasPrune.Experiments.Configuration;

/// <summary>A config that cannot be used. The message is the single line shown to the user.</summary>
public sealed class ConfigException(string message) : Exception(message);
