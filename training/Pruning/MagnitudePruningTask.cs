using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Pruning;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Sparse;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Training.Pruning;

/// <summary>
/// Magnitude pruning on the runner: a <see cref="ClassifierTask"/> (same model, data, recipe, evaluation and
/// model.npta) whose prunable weights (<see cref="MagnitudeMasks"/>) are masked after every optimiser step.
/// <c>global-magnitude</c> prunes the base model once when the run starts, then fine-tunes; <c>gradual-magnitude</c>
/// recomputes the masks at every update of Zhu &amp; Gupta's cubic schedule (0 at pruning.startEpoch to
/// pruning.sparsity at pruning.endEpoch). The masks are checkpointed, so a resumed run never prunes again
/// but continues with the masks it had. result.json adds the achieved sparsity and the non-zero parameters
/// and MACs (<see cref="LayerCosts"/>).
/// </summary>
public sealed class MagnitudePruningTask : ITrainingTask
{
    private const string MaskPrefix = "masks.";
    private readonly TaskContext _context;
    private readonly PruningConfig _pruning;
    private readonly double _sparsity;
    private readonly GradualPruningSchedule? _schedule;
    private readonly ClassifierTask _classifier;
    private readonly MagnitudeMasks _masks;

    public MagnitudePruningTask(TaskContext context)
    {
        _context = context;
        int epochs = context.Config.Training.Epochs;
        _pruning = context.Config.Pruning is { IsMagnitude: true } pruning ? pruning
            : throw new ArgumentException($"config: 'pruning.method' must be {PruningConfig.GlobalMagnitude} or {PruningConfig.GradualMagnitude} for magnitude pruning");
        if (_pruning.Problems(epochs, "pruning").FirstOrDefault() is { } problem) throw new ArgumentException(problem);
        _sparsity = _pruning.Sparsity!.Value;
        if (_pruning.IsGradual)
        {
            // Updates on whole steps: every floor(batches / updatesPerEpoch) steps, the last one at or before the end epoch's end.
            long perEpoch = context.BatchesPerEpoch, every = Math.Max(1, perEpoch / _pruning.UpdatesPerEpoch);
            long start = _pruning.StartEpoch * perEpoch, end = _pruning.EndEpochFor(epochs) * perEpoch;
            _schedule = new GradualPruningSchedule(0, _sparsity, start, every, (int)((end - start) / every));
        }
        _classifier = new ClassifierTask(context);
        _masks = new MagnitudeMasks(_classifier.Model);
    }

    public IReadOnlyList<TrainingPhase> Phases => _classifier.Phases;

    public string Describe() =>
        $"{_classifier.Describe()}; {_pruning.Method} pruning to {_sparsity:P1} of {_masks.PrunableWeights} prunable weights in {_masks.Layers.Count} layers"
        + (_schedule is { } s ? $" (cubic from epoch {_pruning.StartEpoch} to {_pruning.EndEpochFor(_context.Config.Training.Epochs)}, mask update every {s.Every} steps)" : "");

    public IEnumerable<KeyValuePair<string, Tensor>> State() => _classifier.State().Concat(_masks.State(MaskPrefix));

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, int phase, string source)
    {
        _classifier.LoadState(tensors, phase, source);
        _masks.LoadState(tensors, MaskPrefix, source);
    }

    public void EnterPhase(int phase, bool fresh)
    {
        _classifier.EnterPhase(phase, fresh);
        if (!fresh || _schedule is not null) return;
        _masks.Prune(_sparsity, _pruning.MinKeep);
        _context.Logger.LogInformation("Pruned {Zeros} of {Weights} prunable weights ({Sparsity:P2}) by global magnitude", _masks.ZeroWeights, _masks.PrunableWeights, _masks.Sparsity);
    }

    public StepStatistics TrainStep(int phase, long step, double lr)
    {
        StepStatistics statistics = _classifier.TrainStep(phase, step, lr);
        _masks.Apply();
        long done = step + 1;
        if (_schedule is { } schedule && schedule.IsUpdate(done))
        {
            _masks.Prune(schedule.At(done), _pruning.MinKeep);
            _context.Logger.LogInformation("Gradual pruning after step {Step}: sparsity {Sparsity:P2} (schedule {Target:P2})", done, _masks.Sparsity, schedule.At(done));
        }
        return statistics;
    }

    public EvaluationResult? ValidateEpoch(int phase) => _classifier.ValidateEpoch(phase);

    public void CompletePhase(int phase, PhaseEnd end) => _classifier.CompletePhase(phase, end);

    public JsonObject Finish(MetricsLog metrics, long totalSteps, double trainedSeconds)
    {
        JsonObject result = _classifier.Finish(metrics, totalSteps, trainedSeconds);
        ImageDataset train = _context.Data.Train;
        IReadOnlyList<LayerCost> costs = LayerCosts.Measure(_classifier.Model, [1, train.Channels, train.Height, train.Width], _context.Device);
        long parameters = SparseNetwork.ModelParameterCount(_classifier.Model), nonZero = parameters - _masks.ZeroWeights;
        long macs = costs.Sum(c => c.Macs), nonZeroMacs = costs.Sum(c => c.NonZeroMacs);
        result["method"] = _pruning.Method;
        result["targetSparsity"] = _sparsity;
        result["sparsity"] = Math.Round(_masks.Sparsity, 6);
        result["prunableWeights"] = _masks.PrunableWeights;
        result["nonZeroParameters"] = nonZero;
        result["macsPerImage"] = macs;
        result["nonZeroMacsPerImage"] = nonZeroMacs;
        result["layers"] = new JsonArray(costs.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name, ["weights"] = c.Weights, ["nonZeroWeights"] = c.NonZeroWeights, ["macs"] = c.Macs, ["nonZeroMacs"] = c.NonZeroMacs,
        }).ToArray());
        _context.Logger.LogInformation(
            "{Method} pruning of {Arch}: sparsity {Sparsity:P2} of {Prunable} prunable weights (target {Target:P2}), {NonZero} of {Parameters} parameters non-zero, "
            + "{NonZeroMacs:F2} of {Macs:F2} M MACs per image non-zero; test top-1 {Top1:F2} % (validation {Val:F2} %)",
            _pruning.Method, _context.Config.Model.Arch, _masks.Sparsity, _masks.PrunableWeights, _sparsity, nonZero, parameters,
            nonZeroMacs / 1e6, macs / 1e6, result["test"]!["top1"]!.GetValue<double>(), result["validation"]!["top1"]!.GetValue<double>());
        return result;
    }

    public void Dispose()
    {
        _masks.Dispose();
        _classifier.Dispose();
    }
}
