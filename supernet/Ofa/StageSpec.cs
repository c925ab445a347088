namespace NasPrune.Supernet.Ofa;

/// <summary>One elastic stage of the space: output width (before the multiplier), first-block stride, activation, SE.</summary>
public sealed record StageSpec(int Channels, int Stride, Activation Activation, bool Se);
