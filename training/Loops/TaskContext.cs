using Microsoft.Extensions.Logging;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Training.Loops;

/// <summary>What a training task is built from.</summary>
public sealed record TaskContext(RunConfig Config, DataSplits Data, RunDirectory Run, Device Device, int BatchesPerEpoch, ILogger Logger);
