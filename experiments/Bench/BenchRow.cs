namespace NasPrune.Experiments.Bench;

/// <summary>One measured figure, in the same shape as the peer benchmark's CSV (figure, config, value, unit).</summary>
public sealed record BenchRow(string Figure, string Config, double Value, string Unit);
