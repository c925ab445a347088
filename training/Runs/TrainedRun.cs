using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Serialization;
using NasPrune.Training.Checkpoints;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Training.Runs;

/// <summary>Opens a run directory for evaluation: its config, its data and its model with the trained weights.</summary>
public static class TrainedRun
{
    /// <summary>
    /// Loads the model of <paramref name="run"/>: the final weights (model.npta) when training completed,
    /// otherwise the model part of the newest good checkpoint. <paramref name="weightsSource"/> names which.
    /// </summary>
    public static (RunConfig Config, StaticModel Model, DataSplits Data) Open(RunDirectory run, Device device, ILogger logger,
        out string weightsSource)
    {
        if (!File.Exists(run.Config))
            throw new DirectoryNotFoundException($"--run-dir: '{run.Root}' is not a run directory (no config.json)");
        RunConfig config = RunConfigJson.Deserialize(File.ReadAllText(run.Config), run.Config);
        if (config.Model.IsSupernet)
            throw new ArgumentException($"--run-dir: '{run.Root}' trained a supernet; evaluate its exported sub-networks (--model {run.ExportedSubnet("largest")}) or export one from {run.PhaseSupernet("<phase>")}");
        DataSplits data = DataSource.Load(config.Data);
        StaticModel model = ModelFactory.Create(config, data.Train.Channels, data.Train.Classes, data.Train.Height);
        if (File.Exists(run.Model))
        {
            using LoadedArchive archive = TensorArchive.Read(run.Model);
            ModuleState.Load(model.Module, archive.Tensors, "", run.Model);
            weightsSource = run.Model;
        }
        else
        {
            var store = new CheckpointStore(run.Checkpoints, keep: int.MaxValue, logger);
            using LoadedArchive archive = store.LoadLatestGood()
                ?? throw new FileNotFoundException($"--run-dir: '{run.Root}' has neither model.npta nor a good checkpoint");
            ModuleState.Load(model.Module, archive.Tensors, "model.", run.Checkpoints);
            weightsSource = $"checkpoint at step {archive.Metadata["step"]}";
        }
        model.Module.to(device);
        return (config, model, data);
    }
}
