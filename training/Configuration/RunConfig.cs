using System.ComponentModel.DataAnnotations;
using NasPrune.Supernet.Ofa;
using NasPrune.Training.Models;

namespace NasPrune.Training.Configuration;

/// <summary>
/// A training run as its JSON config describes it (camelCase keys). Everything that influences the
/// numbers is here, so a run is reproducible from this file and its seed.
/// </summary>
public sealed record RunConfig : IValidatableObject
{
    /// <summary>Free-form name, shown in logs and result.json.</summary>
    public string Name { get; init; } = "run";

    /// <summary>Seeds initialisation, data order, augmentation and every per-step torch seed.</summary>
    [Range(0, long.MaxValue)]
    public long Seed { get; init; }

    /// <summary>cpu, cuda or cuda:N; the command line's --device overrides it.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Intra-op threads for libtorch (0: libtorch's default).</summary>
    [Range(0, 1024)]
    public int Threads { get; init; } = 2;

    public DataConfig Data { get; init; } = new();
    public ModelConfig Model { get; init; } = new();
    public OptimizationConfig Training { get; init; } = new();
    public CheckpointConfig Checkpoints { get; init; } = new();

    /// <summary>Required when <see cref="ModelConfig.Arch"/> is <c>ofa-supernet</c>; then <c>training.epochs</c>, <c>lr</c> and <c>warmupEpochs</c> are unused (each phase has its own).</summary>
    public ProgressiveShrinkingConfig? ProgressiveShrinking { get; init; }

    /// <summary>Transformable architecture search of the ResNet <c>model.arch</c> names (design note tas.md).</summary>
    public TasConfig? Tas { get; init; }

    /// <summary>Prune the ResNet (L1 filter pruning or magnitude pruning, see <see cref="PruningConfig"/>) and train it: the baselines for TAS and DASS.</summary>
    public PruningConfig? Pruning { get; init; }

    /// <summary>DASS: sparsity-aware search and sparse training of a DARTS cell network (design note dass.md).</summary>
    public DassConfig? Dass { get; init; }

    /// <summary>Training-loss log line and metrics row every this many steps.</summary>
    [Range(1, 1_000_000)]
    public int LogEverySteps { get; init; } = 50;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Problems().Select(p => new ValidationResult(p));

    /// <summary>Rules across sections (model vs progressive shrinking, phases vs the search space); one line each.</summary>
    public IEnumerable<string> Problems()
    {
        if (Model.IsSupernet && ProgressiveShrinking is null)
            yield return $"config: 'progressiveShrinking' is required when 'model.arch' is '{ModelConfig.Supernet}'";
        if (!Model.IsSupernet && ProgressiveShrinking is not null)
            yield return $"config: 'progressiveShrinking' needs 'model.arch' = '{ModelConfig.Supernet}', got '{Model.Arch}'";
        if (Tas is not null && (Model.IsOfa || Model.IsDarts || ProgressiveShrinking is not null))
            yield return $"config: 'tas' needs a ResNet 'model.arch' (resnet20, resnet56, ...) and no 'progressiveShrinking', got '{Model.Arch}'";
        if (Tas?.Search.TauMin > Tas?.Search.TauMax)
            yield return $"config: 'tas.search.tauMin' ({Tas.Search.TauMin}) must not exceed 'tas.search.tauMax' ({Tas.Search.TauMax})";
        if (Pruning is not null && Model.IsOfa)
            yield return $"config: 'pruning' needs a ResNet or a fixed '{ModelConfig.DartsCells}' 'model.arch', got '{Model.Arch}'";
        // Named apart: a section can come from the environment alone (one NASPRUNE_tas__* variable makes a 'tas'
        // section), where 'got resnet56' would point at the wrong field.
        if (Pruning is not null && (Tas is not null || Dass is not null))
            yield return $"config: 'pruning' runs without a '{(Tas is not null ? "tas" : "dass")}' section, got both (from the config file or a NASPRUNE_{(Tas is not null ? "tas" : "dass")}__* environment variable)";
        if (Pruning is { IsMagnitude: false } && Model.IsDarts)
            yield return $"config: 'pruning.method' '{Pruning.Method}' prunes ResNet filters; a '{ModelConfig.DartsCells}' network takes {PruningConfig.GlobalMagnitude} or {PruningConfig.GradualMagnitude}";
        if (Pruning is not null)
            foreach (string line in Pruning.Problems(Training.Epochs, "pruning")) yield return line;
        if (Training.GradClip is not null && (Model.IsSupernet || Tas is not null || Dass is not null))
            yield return $"config: 'training.gradClip' applies to plain training and magnitude pruning, not to progressive shrinking, TAS or DASS (DASS clips with 'dass.gradClip')";
        if (Dass is not null && !Model.IsDarts)
            yield return $"config: 'dass' needs 'model.arch' = '{ModelConfig.DartsCells}', got '{Model.Arch}'";
        if (Model.IsDarts && Dass is null && string.IsNullOrEmpty(Model.Genotype))
            yield return $"config: 'model.arch' = '{ModelConfig.DartsCells}' needs a 'dass' section (search and sparse training) or 'model.genotype' (a fixed cell network: the text or @file)";
        if (!string.IsNullOrEmpty(Model.Genotype) && (!Model.IsDarts || Dass is not null))
            yield return $"config: 'model.genotype' is for a fixed '{ModelConfig.DartsCells}' network without 'dass' (DASS takes 'dass.final.genotype'), got arch '{Model.Arch}'{(Dass is null ? "" : " and a 'dass' section")}";
        if (Model.Network is not null && !Model.IsFixedDarts)
            yield return $"config: 'model.network' sizes a fixed '{ModelConfig.DartsCells}' network (with 'model.genotype'); DASS sizes its networks in 'dass.search.network' and 'dass.final.network'";
        if (Dass is not null)
            foreach (string line in Dass.Problems("dass")) yield return line;
        if (!Model.IsOfa) yield break;
        if (OfaModelProblem() is { } problem)
        {
            yield return problem;
            yield break;
        }
        if (ProgressiveShrinking is not null)
            foreach (string line in ProgressiveShrinking.Problems(ModelFactory.Space(Model, 1, 10), "progressiveShrinking")) yield return line;
    }

    private string? OfaModelProblem()
    {
        try
        {
            ModelFactory.Space(Model, 1, 10);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            return $"config: {e.Message}";
        }
        try
        {
            if (Model.IsOfaSubnet) ModelFactory.Subnet(Model, 1, 10);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"config: 'model.arch': {e.Message}";
        }
    }
}
