using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Serialization;
using NasPrune.Supernet.Sparse;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Models;
using NasPrune.Training.Optimization;
using NasPrune.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Training.Loops;

/// <summary>
/// Trains one static classifier (a ResNet, one OFA sub-network alone at its resolution, or a fixed DARTS cell network) with
/// label-smoothed cross-entropy: a single phase of <c>training.epochs</c> with warm-up and cosine decay.
/// Writes model.npta and the test evaluation at the end.
/// </summary>
public sealed class ClassifierTask : ITrainingTask
{
    private readonly TaskContext _context;
    private readonly StaticModel _model;
    private readonly OptimizedModule _trained;
    private readonly OptimizationConfig _training;

    public ClassifierTask(TaskContext context)
    {
        _context = context;
        _training = context.Config.Training;
        ImageDataset train = context.Data.Train;
        _model = ModelFactory.Create(context.Config, train.Channels, train.Classes, train.Height);
        _model.Module.to(context.Device);
        _trained = context.Optimized(_model.Module);
        long steps = (long)_training.Epochs * context.BatchesPerEpoch;
        Phases = [new TrainingPhase("train", steps, (long)Math.Round(_training.WarmupEpochs * context.BatchesPerEpoch), _training.Lr)];
    }

    public nn.Module<Tensor, Tensor> Model => _model.Module;
    public IReadOnlyList<TrainingPhase> Phases { get; }

    public IEnumerable<KeyValuePair<string, Tensor>> State() => _trained.State();

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, int phase, string source) => _trained.LoadState(tensors, source);

    private long Macs => _model.Macs(_context.Data.Train.Height);

    public string Describe() =>
        $"Model {_context.Config.Model.Arch}: {SparseNetwork.ModelParameterCount(Model)} parameters, {Macs / 1e6:F2} M MACs per image"
        + (_model.InputResolution is int r ? $" at {r}x{r}" : "");

    public void EnterPhase(int phase, bool fresh)
    {
        if (fresh) _trained.Optimizer.ResetMomentum();
        Model.train();
    }

    public StepStatistics TrainStep(int phase, long step, double lr)
    {
        Batch batch = _context.TrainBatch(step);
        Tensor images = _model.InputResolution is int size ? OfaInput.Resize(batch.Images, size) : batch.Images;
        return SupervisedStep.Run(_trained, images, batch.Labels, lr,
            logits => F.cross_entropy(logits, batch.Labels, label_smoothing: _training.LabelSmoothing), _training.GradClip);
    }

    public EvaluationResult? ValidateEpoch(int phase) => Evaluate(_context.Data.Validation);

    public void CompletePhase(int phase, PhaseEnd end) { }

    public JsonObject Finish(MetricsLog metrics, long totalSteps, double trainedSeconds)
    {
        EvaluationResult val = Evaluate(_context.Data.Validation);
        EvaluationResult test = Evaluate(_context.Data.Test);
        metrics.Write(new MetricsRow { Epoch = _training.Epochs, Step = totalSteps, Stage = "train", Phase = "test", Loss = test.Loss, Top1 = test.Top1, Top5 = test.Top5, ElapsedSeconds = trainedSeconds });
        JsonObject metadata = (JsonObject?)_model.FileMetadata?.DeepClone() ?? new JsonObject { ["arch"] = _context.Config.Model.Arch };
        string modelHash = TensorArchive.Write(_context.Run.Model, ModuleState.Named(Model), metadata);
        _context.Logger.LogInformation("{Arch}: test top-1 {Top1:F2} % (validation {Val:F2} %)", _context.Config.Model.Arch, test.Top1, val.Top1);
        var result = new JsonObject
        {
            ["arch"] = _context.Config.Model.Arch,
            ["epochs"] = _training.Epochs,
            ["parameters"] = SparseNetwork.ModelParameterCount(Model),
            ["macsPerImage"] = Macs,
            ["validation"] = EvaluationJson.Of(val),
            ["test"] = EvaluationJson.Of(test),
            ["modelSha256"] = modelHash,
        };
        // A fixed DARTS network's cells, so reports (nasprune compare) can tell its runs apart.
        if (metadata["genotype"] is JsonNode genotype) result["genotype"] = genotype.DeepClone();
        return result;
    }

    private EvaluationResult Evaluate(ImageDataset split) =>
        Evaluator.Evaluate(Model, split, _context.Data.Normalization, _training.EvalBatchSize, _context.Device, _model.InputResolution);

    public void Dispose() => _trained.Dispose();
}
