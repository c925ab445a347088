using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Darts;
using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Randomness;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Serialization;
using NasPrune.Supernet.Sparse;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using NasPrune.Training.Optimization;
using NasPrune.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Training.Dass;

/// <summary>
/// DASS on the runner (design note dass.md). Search phases (skipped when dass.final.genotype is given):
/// <c>search-pretrain</c> dense, alternating weight steps on one class-balanced half of the train split
/// with architecture steps on the other (first-order DARTS); <c>search-prune</c>, only the importance
/// scores train, at the target sparsity; <c>search-finetune</c>, weights and architecture again under the
/// fixed mask, so the architecture steps see the sparse network. (Dense DARTS baseline: one dense
/// <c>search</c> phase of the same length.) Derivation writes dass-genotype.txt. Then the derived network's
/// HYDRA training from scratch: <c>final-pretrain</c> dense, <c>final-prune</c> scores only,
/// <c>final-finetune</c> under the fixed mask. The exported model.npta stores the masked weights.
/// </summary>
public sealed class DassTask : ITrainingTask
{
    private const string GenotypeFile = "dass-genotype.txt";
    private readonly TaskContext _context;
    private readonly DassConfig _dass;
    private readonly OptimizationConfig _training;
    private readonly IReadOnlyList<DassPhase> _plan;
    private readonly DartsSearchNetwork _search;
    private readonly OptimizedModule _searchWeights;
    private readonly SgdOptimizer _searchScores;
    private readonly AdamOptimizer _arch;
    private readonly BatchLoader _halfA;
    private readonly BatchLoader _halfB;
    private readonly long _archWarmupEnd;
    private OptimizedModule? _final;
    private SgdOptimizer? _finalScores;

    public DassTask(TaskContext context)
    {
        _context = context;
        RunConfig config = context.Config;
        _dass = config.Dass ?? throw new ArgumentException("config: 'dass' is required for a DASS run");
        _training = config.Training;
        _plan = Plan(_dass, _training);
        ImageDataset train = context.Data.Train;

        manual_seed((long)(SplitMix64.Mix((ulong)config.Seed, 0xDA55) >> 1));
        _search = new DartsSearchNetwork(_dass.Search.Network.Spec(train.Channels, train.Classes));
        _search.to(context.Device);
        _searchWeights = new OptimizedModule(_search, _training.Momentum, _training.Nesterov, _dass.Search.WeightDecay, "search.", IsWeight);
        _searchScores = Scores(_search);
        _arch = new AdamOptimizer(_search.named_parameters().Where(p => DartsSearchNetwork.IsArchitecture(p.name)), _dass.Search.ArchLr, 0.5, 0.999, _dass.Search.ArchWeightDecay);

        (_halfA, _halfB) = context.TrainHalves();

        int perEpoch = context.BatchesPerEpoch;
        long warmup = (long)Math.Round(_training.WarmupEpochs * perEpoch);
        Phases = _plan.Select(p => new TrainingPhase(p.Name, (long)p.Epochs * perEpoch, p.Name == "final-pretrain" ? warmup : 0, p.PeakLr)).ToList();
        // The search phases come first, so the first one starts at step 0.
        _archWarmupEnd = _plan[0].Searching ? (long)_dass.Search.ArchWarmupEpochs * perEpoch : 0;
        if (KnownGenotype() is { } genotype) BuildFinal(genotype);
    }

    public IReadOnlyList<TrainingPhase> Phases { get; }
    public DartsSearchNetwork SearchNetwork => _search;
    public DartsNetwork? Final => _final?.Module as DartsNetwork;
    private string GenotypePath => Path.Combine(_context.Run.Root, GenotypeFile);

    /// <summary>The phases a config asks for (phases of zero epochs are left out).</summary>
    public static IReadOnlyList<DassPhase> Plan(DassConfig dass, OptimizationConfig training)
    {
        var plan = new List<DassPhase>();
        DassSearchConfig s = dass.Search;
        if (string.IsNullOrEmpty(dass.Final.Genotype))
        {
            if (s.SparseAware)
            {
                plan.Add(new DassPhase("search-pretrain", true, DassStage.Dense, s.PretrainEpochs, s.WeightLr));
                plan.Add(new DassPhase("search-prune", true, DassStage.Prune, s.PruneEpochs, s.ScoreLr));
                plan.Add(new DassPhase("search-finetune", true, DassStage.Finetune, s.FinetuneEpochs, s.WeightLr));
            }
            else plan.Add(new DassPhase("search", true, DassStage.Dense, s.FirstPhaseEpochs, s.WeightLr));
        }
        DassFinalConfig f = dass.Final;
        plan.Add(new DassPhase("final-pretrain", false, DassStage.Dense, f.PretrainEpochs, training.Lr));
        plan.Add(new DassPhase("final-prune", false, DassStage.Prune, f.PruneEpochs, f.ScoreLr));
        plan.Add(new DassPhase("final-finetune", false, DassStage.Finetune, f.FinetuneEpochs, f.FinetuneLr));
        return plan.Where(p => p.Epochs > 0).ToList();
    }

    /// <summary>
    /// The BatchNorm scales and shifts. They train in every phase, in a prune phase beside the scores: the
    /// authors' HYDRA code freezes only the other layers' weights and biases there (its freeze_vars skips
    /// BatchNorm layers unless --freeze-bn), so each channel can rescale once most of its inputs are masked.
    /// </summary>
    private static HashSet<string> BatchNormParameterNames(nn.Module module) =>
        module.named_modules().Where(m => m.module is SafeBatchNorm2d)
            .SelectMany(m => m.module.named_parameters().Select(p => m.name + "." + p.name)).ToHashSet();

    private static bool IsWeight(string name) => !DartsSearchNetwork.IsScore(name) && !DartsSearchNetwork.IsArchitecture(name);

    /// <summary>The scores' optimiser: SGD with the run's momentum and no weight decay (only their ranking matters).</summary>
    private SgdOptimizer Scores(nn.Module module) =>
        new(module.named_parameters().Where(p => DartsSearchNetwork.IsScore(p.name)).Select(p => (p.name, p.parameter)), _training.Momentum, _training.Nesterov, 0);

    public string Describe() =>
        $"DASS of a DARTS cell network at sparsity {_dass.Sparsity:P0} ({(_dass.Search.SparseAware ? "sparsity-aware" : "dense DARTS")} search, "
        + $"{_search.Spec.Channels} channels x {_search.Spec.Cells} cells{(_archWarmupEnd > 0 ? $", weights only for the first {_dass.Search.ArchWarmupEpochs} epoch(s)" : "")}; final {_dass.Final.Network.Channels} x {_dass.Final.Network.Cells}); "
        + $"phases {string.Join(", ", Phases.Select(p => p.Name))}";

    public IEnumerable<KeyValuePair<string, Tensor>> State()
    {
        var state = _searchWeights.State()
            .Concat(Prefixed("search.scores-optim.", _searchScores.State()))
            .Concat(Prefixed("search.adam.", _arch.State()));
        return _final is null ? state : state.Concat(_final.State()).Concat(Prefixed("final.scores-optim.", _finalScores!.State()));
    }

    private static IEnumerable<KeyValuePair<string, Tensor>> Prefixed(string prefix, IEnumerable<KeyValuePair<string, Tensor>> state) =>
        state.Select(kv => KeyValuePair.Create(prefix + kv.Key, kv.Value));

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, int phase, string source)
    {
        _searchWeights.LoadState(tensors, source);
        _searchScores.LoadState(tensors, "search.scores-optim.", source);
        _arch.LoadState(tensors, "search.adam.", source);
        if (!_plan[phase].Searching)
        {
            if (_final is null) BuildFinal(KnownGenotype() ?? throw new InvalidDataException($"{source}: the final phases need {GenotypePath}"));
            _final!.LoadState(tensors, source);
            _finalScores!.LoadState(tensors, "final.scores-optim.", source);
        }
    }

    public void EnterPhase(int phase, bool fresh)
    {
        DassPhase p = _plan[phase];
        if (!p.Searching && _final is null)
            BuildFinal(KnownGenotype() ?? throw new InvalidDataException($"no derived genotype ({GenotypePath})"));
        nn.Module<Tensor, Tensor> net = p.Searching ? _search : _final!.Module;
        var batchNorm = BatchNormParameterNames(net);
        foreach (var (name, parameter) in net.named_parameters())
            parameter.requires_grad = DartsSearchNetwork.IsScore(name) ? p.TrainsScores
                : DartsSearchNetwork.IsArchitecture(name) ? p.TrainsArchitecture
                : batchNorm.Contains(name) || p.TrainsWeights;
        SparseNetwork.SetSparsity(net, p.Sparsity(_dass.Sparsity));
        if (fresh)
        {
            // Each phase starts with fresh optimiser state; pruning starts from scores scaled from the trained weights.
            (p.Searching ? _searchWeights : _final!).Optimizer.ResetMomentum();
            (p.Searching ? _searchScores : _finalScores!).ResetMomentum();
            if (p.Searching) _arch.Reset();
            if (p.Stage == DassStage.Prune) SparseNetwork.InitialiseScores(net);
        }
        net.train();
    }

    public StepStatistics TrainStep(int phase, long step, double lr)
    {
        DassPhase p = _plan[phase];
        if (!p.Searching)
        {
            Batch batch = _context.TrainBatch(step);
            return p.Stage == DassStage.Prune
                ? ScoreStep(_final!, _finalScores!, batch, lr)
                : SupervisedStep.Run(_final!, batch.Images, batch.Labels, lr, Loss(batch), _dass.GradClip);
        }
        if (p.Stage == DassStage.Prune) return ScoreStep(_searchWeights, _searchScores, _context.TrainBatch(step), lr);
        // Weight steps (even) and architecture steps (odd) alternate; together one pass over the split per epoch.
        long pair = step / 2;
        // Each step's gradients are only those it uses: the other kind's parameters are paused (GradientPause).
        if (step % 2 == 0 || step < _archWarmupEnd)
        {
            Batch batch = step % 2 == 0 ? _halfA.BatchAt(pair, _context.Device) : _halfB.BatchAt(pair, _context.Device);
            using (GradientPause.Of(_search, DartsSearchNetwork.IsArchitecture))
                return SupervisedStep.Run(_searchWeights, batch.Images, batch.Labels, lr, Loss(batch), _dass.GradClip);
        }
        Batch b = _halfB.BatchAt(pair, _context.Device);
        _arch.ZeroGrad();
        _searchWeights.Optimizer.ZeroGrad();
        Tensor logits, loss;
        using (GradientPause.Of(_search, name => !DartsSearchNetwork.IsArchitecture(name)))
        {
            logits = _search.call(b.Images);
            loss = F.cross_entropy(logits, b.Labels);
            loss.backward();
        }
        _arch.Step();
        return new StepStatistics(loss.item<float>(), 1, SupervisedStep.Correct(logits, b.Labels), b.Count);
    }

    private Func<Tensor, Tensor> Loss(Batch batch) => logits => F.cross_entropy(logits, batch.Labels, label_smoothing: _training.LabelSmoothing);

    /// <summary>A prune step: the scores, and the BatchNorm parameters through the weights' optimiser (every other weight is frozen, so has no gradient), at the scores' lr.</summary>
    private StepStatistics ScoreStep(OptimizedModule weights, SgdOptimizer scores, Batch batch, double lr)
    {
        scores.ZeroGrad();
        weights.Optimizer.ZeroGrad();
        Tensor logits = weights.Module.call(batch.Images);
        Tensor loss = Loss(batch)(logits);
        loss.backward();
        scores.ClipGradNorm(_dass.GradClip);
        scores.Step(lr);
        weights.Optimizer.ClipGradNorm(_dass.GradClip);
        weights.Optimizer.Step(lr);
        return new StepStatistics(loss.item<float>(), 1, SupervisedStep.Correct(logits, batch.Labels), batch.Count);
    }

    public EvaluationResult? ValidateEpoch(int phase)
    {
        DassPhase p = _plan[phase];
        if (p.Searching) _context.Logger.LogInformation("Search: current cells {Genotype}", _search.Genotype().ToString().Replace('\n', ';'));
        return Evaluate(p.Searching ? _search : _final!.Module, _context.Data.Validation);
    }

    public void CompletePhase(int phase, PhaseEnd end)
    {
        DassPhase p = _plan[phase];
        bool lastSearchPhase = p.Searching && (phase + 1 == _plan.Count || !_plan[phase + 1].Searching);
        if (!lastSearchPhase) return;
        DartsGenotype genotype = _search.Genotype();
        AtomicFile.WriteAllText(GenotypePath, genotype + "\n");
        _context.Logger.LogInformation("Derived cells ({Path}): {Genotype}", GenotypePath, genotype.ToString().Replace('\n', ';'));
    }

    public JsonObject Finish(MetricsLog metrics, long totalSteps, double trainedSeconds)
    {
        DartsNetwork final = Final!;
        EvaluationResult val = Evaluate(final, _context.Data.Validation);
        EvaluationResult test = Evaluate(final, _context.Data.Test);
        metrics.Write(new MetricsRow { Step = totalSteps, Stage = "final", Phase = "test", Loss = test.Loss, Top1 = test.Top1, Top5 = test.Top5, ElapsedSeconds = trainedSeconds });

        // Export: the mask baked into the weights; the network then runs dense with the same outputs.
        SparseNetwork.BakeMasks(final);
        ImageDataset data = _context.Data.Test;
        var costs = LayerCosts.Measure(final, [1, data.Channels, data.Height, data.Width], _context.Device);
        long parameters = SparseNetwork.ModelParameterCount(final);
        long zeros = costs.Sum(c => c.Weights - c.NonZeroWeights);
        long prunable = costs.Sum(c => c.Weights);
        var summary = new JsonObject
        {
            ["targetSparsity"] = _dass.Sparsity,
            // Achieved, over every conv and linear weight (what the magnitude pruners report too).
            ["sparsity"] = Math.Round((double)zeros / prunable, 6),
            ["sparsityAware"] = _dass.Search.SparseAware,
            ["parameters"] = parameters,
            ["nonZeroParameters"] = parameters - zeros,
            ["macsPerImage"] = costs.Sum(c => c.Macs),
            ["nonZeroMacsPerImage"] = costs.Sum(c => c.NonZeroMacs),
        };
        var arch = (JsonObject)summary.DeepClone();
        arch["genotype"] = final.Genotype.ToString();
        arch["network"] = DartsModelFile.Metadata(final)["network"]!.DeepClone();
        arch["layers"] = new JsonArray(costs.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["weights"] = c.Weights, ["density"] = Math.Round((double)c.NonZeroWeights / c.Weights, 6) }).ToArray());
        AtomicFile.WriteAllText(Path.Combine(_context.Run.Root, "arch.json"), arch.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        string hash = DartsModelFile.Write(_context.Run.Model, final,
            new JsonObject { ["sparsity"] = _dass.Sparsity, ["layers"] = arch["layers"]!.DeepClone() });
        _context.Logger.LogInformation("DASS final network: test top-1 {Top1:F2} %, {NonZero} of {Parameters} parameters non-zero, {Macs:F2} M non-zero MACs per image (dense {Dense:F2} M)",
            test.Top1, parameters - zeros, parameters, costs.Sum(c => c.NonZeroMacs) / 1e6, costs.Sum(c => c.Macs) / 1e6);

        summary["arch"] = ModelConfig.DartsCells;
        summary["genotype"] = final.Genotype.ToString();
        summary["validation"] = EvaluationJson.Of(val);
        summary["test"] = EvaluationJson.Of(test);
        summary["modelSha256"] = hash;
        return summary;
    }

    /// <summary>dass.final.genotype (the text, or @file), else what this run's search derived, else null.</summary>
    private DartsGenotype? KnownGenotype() =>
        ArchitectureText.Resolve(_dass.Final.Genotype, "dass.final.genotype", GenotypePath) is { } found ? DartsGenotype.Parse(found.Text, found.Source) : null;

    /// <summary>The derived network, freshly initialised from a seed of its own (HYDRA trains it from scratch).</summary>
    private void BuildFinal(DartsGenotype genotype)
    {
        manual_seed((long)(SplitMix64.Mix((ulong)_context.Config.Seed, 0xF1A1) >> 1));
        ImageDataset train = _context.Data.Train;
        var net = new DartsNetwork(_dass.Final.Network.Spec(train.Channels, train.Classes), genotype);
        net.to(_context.Device);
        _final = new OptimizedModule(net, _training.Momentum, _training.Nesterov, _training.WeightDecay, "final.", IsWeight);
        _finalScores = Scores(net);
    }

    private EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, ImageDataset split) =>
        Evaluator.Evaluate(model, split, _context.Data.Normalization, _training.EvalBatchSize, _context.Device);

    public void Dispose()
    {
        _finalScores?.Dispose();
        _final?.Dispose();
        _arch.Dispose();
        _searchScores.Dispose();
        _searchWeights.Dispose();
    }
}
