using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Darts;
using NasPrune.Supernet.Tas;
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
        RunConfig config = ReadConfig(run);
        DataSplits data = DataSource.Load(config.Data);
        StaticModel model;
        if (File.Exists(run.Model))
        {
            using LoadedArchive archive = TensorArchive.Read(run.Model);
            model = SavedShape(archive.Metadata, data.Train, run.Model) ?? ModelFactory.Create(config, data.Train.Channels, data.Train.Classes, data.Train.Height);
            ModuleState.Load(model.Module, archive.Tensors, "", run.Model);
            weightsSource = run.Model;
        }
        else
        {
            // The config alone describes the model only where training does not choose its shape.
            if (config.Tas is not null || config.Dass is not null)
                throw new FileNotFoundException($"--run-dir: '{run.Root}' has no model.npta yet; a {(config.Tas is not null ? "TAS" : "DASS")} run's network is known once it has finished");
            model = ModelFactory.Create(config, data.Train.Channels, data.Train.Classes, data.Train.Height);
            var store = new CheckpointStore(run.Checkpoints, keep: int.MaxValue, logger);
            using LoadedArchive archive = store.LoadLatestGood()
                ?? throw new FileNotFoundException($"--run-dir: '{run.Root}' has neither model.npta nor a good checkpoint");
            ModuleState.Load(model.Module, archive.Tensors, "model.", run.Checkpoints);
            weightsSource = $"checkpoint at step {archive.Metadata["step"]}";
        }
        model.Module.to(device);
        return (config, model, data);
    }

    /// <summary>
    /// Loads the unpruned network a TAS or pruning run starts from: the base model its config names
    /// (<c>tas.baseModel</c>, <c>pruning.baseModel</c>), or the base.npta a TAS run's own base phase wrote.
    /// </summary>
    public static (RunConfig Config, StaticModel Model, DataSplits Data) OpenBase(RunDirectory run, Device device, out string weightsSource)
    {
        RunConfig config = ReadConfig(run);
        string? named = config.Tas is TasConfig tas ? tas.BaseModel : config.Pruning?.BaseModel;
        bool ownBasePhase = config.Tas is not null && string.IsNullOrEmpty(named);
        if (!ownBasePhase && string.IsNullOrEmpty(named))
            throw new ArgumentException($"--base: '{run.Root}' has no base network (only a TAS run or a pruning run from a base model has one)");
        string path = ownBasePhase ? Path.Combine(run.Root, TasBaseFile) : named!;
        if (!File.Exists(path))
            throw new FileNotFoundException($"--base: '{path}' does not exist ({(ownBasePhase ? "a TAS run writes it when its base phase ends" : "the base model the run's config names")})");
        DataSplits data = DataSource.Load(config.Data);
        StaticModel model = ModelFactory.Create(config.Model, data.Train.Channels, data.Train.Classes);
        using (LoadedArchive archive = TensorArchive.Read(path)) ModuleState.Load(model.Module, archive.Tensors, "", path);
        model.Module.to(device);
        weightsSource = path;
        return (config, model, data);
    }

    /// <summary>The unpruned network a TAS run's base phase writes into its run directory.</summary>
    public const string TasBaseFile = "base.npta";

    private static RunConfig ReadConfig(RunDirectory run)
    {
        if (!File.Exists(run.Config))
            throw new DirectoryNotFoundException($"--run-dir: '{run.Root}' is not a run directory (no config.json)");
        RunConfig config = RunConfigJson.Deserialize(File.ReadAllText(run.Config), run.Config);
        if (config.Model.IsSupernet)
            throw new ArgumentException($"--run-dir: '{run.Root}' trained a supernet; evaluate its exported sub-networks (--model {run.ExportedSubnet("largest")}) or export one from {run.PhaseSupernet("<phase>")}");
        return config;
    }

    /// <summary>
    /// The network a model file describes itself, where training chose its shape (a TAS-derived ResNet, a DARTS cell
    /// network from DASS or a fixed genotype); null for a model the config fully describes.
    /// </summary>
    private static StaticModel? SavedShape(JsonObject metadata, ImageDataset train, string path)
    {
        if (DartsModelFile.Describes(metadata))
            return new StaticModel(DartsModelFile.Build(metadata, path), null, -1);
        if (metadata[TasArchitecture.FileMetadataKey]?.GetValue<string>() is string tas)
            return new StaticModel(new TasResNet(TasArchitecture.Parse(tas), train.Channels, train.Classes), null, -1);
        return null;
    }
}
