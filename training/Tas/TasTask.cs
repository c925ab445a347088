using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Models;
using NasPrune.Supernet.Randomness;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Serialization;
using NasPrune.Supernet.Tas;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using NasPrune.Training.Optimization;
using NasPrune.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Training.Tas;

/// <summary>
/// TAS on the runner (design note tas.md), up to three phases: <c>base</c> trains the unpruned ResNet
/// (skipped when tas.baseModel is given), <c>search</c> learns width and depth distributions bi-level
/// (a weight step on a batch of one class-balanced half of the train split, then a logit step with
/// CE + lambda * cost loss on a batch of the other; temperature linear from tauMax to tauMin), and
/// <c>final</c> trains the derived (argmax) network from scratch with KD from the base network (or
/// without, for the scratch baseline; skipped search when tas.final.architecture is given).
/// </summary>
public sealed class TasTask : ITrainingTask
{
    private const string ArchitectureFile = "tas-architecture.txt";
    private readonly TaskContext _context;
    private readonly TasConfig _tas;
    private readonly OptimizationConfig _training;
    private readonly TasSearchSpace _space;
    private readonly OptimizedModule _base;
    private readonly SearchableResNet _search;
    private readonly OptimizedModule _searchWeights;
    private readonly AdamOptimizer _arch;
    private readonly BatchLoader _halfA;
    private readonly BatchLoader _halfB;
    private readonly long _unprunedMacs;
    /// <summary>Whether the base network is trained here or given; the scratch baseline has neither.</summary>
    private readonly bool _hasBase;
    private OptimizedModule? _final;

    public TasTask(TaskContext context)
    {
        _context = context;
        RunConfig config = context.Config;
        _tas = config.Tas ?? throw new ArgumentException("config: 'tas' is required for a TAS run");
        _training = config.Training;
        ImageDataset train = context.Data.Train;
        ResNetSpec spec = ResNetSpec.FromName(config.Model.Arch, train.Channels, train.Classes);
        _space = TasSearchSpace.ForResNet(spec.Depth, train.Channels, train.Classes, train.Height);
        _unprunedMacs = spec.Macs(train.Height);

        var baseNet = new CifarResNet(spec);
        if (!string.IsNullOrEmpty(_tas.BaseModel))
        {
            if (!File.Exists(_tas.BaseModel)) throw new FileNotFoundException($"tas.baseModel: '{_tas.BaseModel}' does not exist");
            using LoadedArchive archive = TensorArchive.Read(_tas.BaseModel);
            ModuleState.Load(baseNet, archive.Tensors, "", _tas.BaseModel);
        }
        baseNet.to(context.Device);
        _base = context.Optimized(baseNet, "base.");

        manual_seed((long)(SplitMix64.Mix((ulong)config.Seed, 0x5EA2C) >> 1));
        _search = new SearchableResNet(_space) { SearchWidths = _tas.Search.SearchWidth, SearchDepths = _tas.Search.SearchDepth };
        _search.to(context.Device);
        _searchWeights = context.Optimized(_search, "search.", name => !SearchableResNet.IsArchitecture(name));
        _arch = new AdamOptimizer(_search.ArchitectureParameters(), _tas.Search.ArchLr, 0.5, 0.999, _tas.Search.ArchWeightDecay);

        (_halfA, _halfB) = context.TrainHalves();

        int perEpoch = context.BatchesPerEpoch;
        var phases = new List<TrainingPhase>();
        // The base network is trained here unless given, and only when something needs it (the search, or KD).
        bool needsBase = string.IsNullOrEmpty(_tas.Final.Architecture) || _tas.Final.Distill;
        _hasBase = !string.IsNullOrEmpty(_tas.BaseModel) || needsBase;
        if (string.IsNullOrEmpty(_tas.BaseModel) && needsBase)
            phases.Add(new TrainingPhase("base", (long)_training.Epochs * perEpoch, (long)Math.Round(_training.WarmupEpochs * perEpoch), _training.Lr));
        if (string.IsNullOrEmpty(_tas.Final.Architecture))
            phases.Add(new TrainingPhase("search", (long)_tas.Search.Epochs * perEpoch, 0, _tas.Search.WeightLr));
        phases.Add(new TrainingPhase("final", (long)(_tas.Final.Epochs + _tas.Final.WarmupEpochs) * perEpoch, (long)_tas.Final.WarmupEpochs * perEpoch, _training.Lr));
        Phases = phases;
        if (KnownArchitecture() is { } architecture) BuildFinal(architecture);
    }

    public IReadOnlyList<TrainingPhase> Phases { get; }
    public SearchableResNet SearchNetwork => _search;
    public TasResNet? Final => _final?.Module as TasResNet;
    private int FinalPhase => Phases.Count - 1;
    private string ArchitecturePath => Path.Combine(_context.Run.Root, ArchitectureFile);

    public string Describe() =>
        $"TAS of {_context.Config.Model.Arch}: {_unprunedMacs / 1e6:F2} M MACs unpruned, target {_tas.Search.FlopsTarget:P0} "
        + $"(width {(_tas.Search.SearchWidth ? "searched" : "fixed")}, depth {(_tas.Search.SearchDepth ? "searched" : "fixed")}); phases {string.Join(", ", Phases.Select(p => p.Name))}";

    public IEnumerable<KeyValuePair<string, Tensor>> State()
    {
        var state = _base.State().Concat(_searchWeights.State()).Concat(_arch.State().Select(kv => KeyValuePair.Create("search.adam." + kv.Key, kv.Value)));
        return _final is null ? state : state.Concat(_final.State());
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, int phase, string source)
    {
        _base.LoadState(tensors, source);
        _searchWeights.LoadState(tensors, source);
        _arch.LoadState(tensors, "search.adam.", source);
        if (phase == FinalPhase)
        {
            if (_final is null) BuildFinal(KnownArchitecture() ?? throw new InvalidDataException($"{source}: the final phase needs {ArchitecturePath}"));
            _final!.LoadState(tensors, source);
        }
    }

    public void EnterPhase(int phase, bool fresh)
    {
        switch (Phases[phase].Name)
        {
            case "base":
                if (fresh) _base.Optimizer.ResetMomentum();
                _base.Module.train();
                break;
            case "search":
                if (fresh)
                {
                    _searchWeights.Optimizer.ResetMomentum();
                    _arch.Reset();
                }
                _search.train();
                break;
            default:
                if (_final is null) BuildFinal(KnownArchitecture() ?? throw new InvalidDataException($"no derived architecture ({ArchitecturePath})"));
                if (fresh) _final!.Optimizer.ResetMomentum();
                _final!.Module.train();
                _base.Module.eval(); // the teacher
                break;
        }
    }

    public StepStatistics TrainStep(int phase, long step, double lr) => Phases[phase].Name switch
    {
        "base" => ClassifierStep(_base, _context.TrainBatch(step), lr, teacher: null),
        "search" => SearchStep(phase, step, lr),
        _ => ClassifierStep(_final!, _context.TrainBatch(step), lr, _tas.Final.Distill ? _base.Module : null),
    };

    private StepStatistics ClassifierStep(OptimizedModule trained, Batch batch, double lr, nn.Module<Tensor, Tensor>? teacher) =>
        SupervisedStep.Run(trained, batch.Images, batch.Labels, lr, logits =>
        {
            if (teacher is null) return F.cross_entropy(logits, batch.Labels, label_smoothing: _training.LabelSmoothing);
            Tensor teacherLogits;
            using (no_grad()) teacherLogits = teacher.call(batch.Images);
            return KnowledgeDistillation.Loss(logits, teacherLogits, batch.Labels, _tas.Final.KdAlpha, _tas.Final.KdTemperature);
        });

    private StepStatistics SearchStep(int phase, long step, double lr)
    {
        long i = step - Phases.Take(phase).Sum(p => p.Steps);
        TasSearchConfig search = _tas.Search;
        _search.Temperature = search.TauMax - (search.TauMax - search.TauMin) * i / Math.Max(1, Phases[phase].Steps - 1);

        // Weights on a batch of one half (the architecture logits take no gradient: it would be thrown away).
        Batch a = _halfA.BatchAt(i, _context.Device);
        _searchWeights.Optimizer.ZeroGrad();
        Tensor logits, loss;
        using (GradientPause.Of(_search, SearchableResNet.IsArchitecture))
        {
            logits = _search.call(a.Images);
            loss = F.cross_entropy(logits, a.Labels, label_smoothing: _training.LabelSmoothing);
            loss.backward();
        }
        _searchWeights.Optimizer.Step(lr);

        // Architecture logits on a batch of the other half: CE + lambda * cost loss (the weights take no gradient).
        Batch b = _halfB.BatchAt(i, _context.Device);
        _searchWeights.Optimizer.ZeroGrad();
        _arch.ZeroGrad();
        using (GradientPause.Of(_search, name => !SearchableResNet.IsArchitecture(name)))
        {
            Tensor ce = F.cross_entropy(_search.call(b.Images), b.Labels);
            Tensor expected = ExpectedFlops.Compute(_space, _search.WidthProbabilities(), _search.DepthProbabilities());
            // The regime is judged on the network the search will export, 1x1 projections included (the search
            // network zero-pads instead; counting them keeps the derived network inside the band).
            double argmax = Macs(_search.Argmax());
            Tensor cost = CostLoss.Compute(expected, argmax, search.FlopsTarget * _unprunedMacs, search.Tolerance);
            ce.Plus(cost, search.Lambda).backward();
        }
        _arch.Step();
        return new StepStatistics(loss.item<float>(), 1, SupervisedStep.Correct(logits, a.Labels), a.Count);
    }

    public EvaluationResult? ValidateEpoch(int phase)
    {
        switch (Phases[phase].Name)
        {
            case "base": return Evaluate(_base.Module, _context.Data.Validation);
            case "search": LogSearchState(); return null; // a search has no validation figure of its own
            default: return Evaluate(_final!.Module, _context.Data.Validation);
        }
    }

    /// <summary>Logs the current argmax architecture and its cost (once per search epoch).</summary>
    private void LogSearchState()
    {
        TasArchitecture argmax = _search.Argmax();
        long macs = Macs(argmax);
        double expected;
        using (no_grad()) expected = ExpectedFlops.Compute(_space, _search.WidthProbabilities(), _search.DepthProbabilities()).item<float>();
        _context.Logger.LogInformation("Search: argmax {Arch} = {Macs:F2} M MACs ({Share:P1} of unpruned), expected {Expected:F2} M, temperature {Tau:F2}",
            argmax, macs / 1e6, (double)macs / _unprunedMacs, expected / 1e6, _search.Temperature);
    }

    /// <summary>MACs of an architecture as built and reported (1x1 projections included).</summary>
    private long Macs(TasArchitecture architecture) => architecture.Macs(_space.InChannels, _space.Classes, _space.InputSize);

    public void CompletePhase(int phase, PhaseEnd end)
    {
        switch (Phases[phase].Name)
        {
            case "base":
                TensorArchive.Write(Path.Combine(_context.Run.Root, TrainedRun.TasBaseFile), ModuleState.Named(_base.Module), new JsonObject { ["arch"] = _context.Config.Model.Arch });
                break;
            case "search":
                // The last epoch's validation has logged this argmax with its expected cost; this line says what was kept.
                TasArchitecture derived = _search.Argmax();
                long macs = Macs(derived);
                _context.Logger.LogInformation("Search derived {Arch} = {Macs:F2} M MACs ({Fewer:P1} fewer than unpruned); written to {File}",
                    derived, macs / 1e6, 1 - (double)macs / _unprunedMacs, ArchitecturePath);
                TasSearchConfig search = _tas.Search;
                if (!CostLoss.WithinBand(macs, search.FlopsTarget * _unprunedMacs, search.Tolerance))
                {
                    var (low, high) = CostLoss.Band(search.FlopsTarget, search.Tolerance);
                    _context.Logger.LogWarning("Search ended outside the cost band: the derived network has {Share:P1} of the unpruned MACs, the band is {Low:P1}-{High:P1} (target {Target:P0}, tolerance {Tolerance:P0} of it; longer tas.search.epochs lets it settle)",
                        (double)macs / _unprunedMacs, low, high, search.FlopsTarget, search.Tolerance);
                }
                AtomicFile.WriteAllText(ArchitecturePath, derived + "\n");
                break;
        }
    }

    public JsonObject Finish(MetricsLog metrics, long totalSteps, double trainedSeconds)
    {
        TasResNet final = Final!;
        EvaluationResult? baseTest = _hasBase ? Evaluate(_base.Module, _context.Data.Test) : null;
        EvaluationResult val = Evaluate(final, _context.Data.Validation);
        EvaluationResult test = Evaluate(final, _context.Data.Test);
        metrics.Write(new MetricsRow { Step = totalSteps, Stage = "final", Phase = "test", Loss = test.Loss, Top1 = test.Top1, Top5 = test.Top5, ElapsedSeconds = trainedSeconds });
        TasArchitecture architecture = final.Architecture;
        long macs = Macs(architecture);
        string hash = TensorArchive.Write(_context.Run.Model, ModuleState.Named(final), new JsonObject { [TasArchitecture.FileMetadataKey] = architecture.ToString() });
        _context.Logger.LogInformation("TAS {Arch}: {Macs:F2} M MACs ({Fewer:P1} fewer), test top-1 {Top1:F2} % (unpruned {Base})",
            architecture, macs / 1e6, 1 - (double)macs / _unprunedMacs, test.Top1, baseTest is null ? "not trained in this run" : $"{baseTest.Top1:F2} %");
        var result = new JsonObject
        {
            ["arch"] = _context.Config.Model.Arch,
            ["tasArchitecture"] = architecture.ToString(),
            ["macsPerImage"] = macs,
            ["fewerMacs"] = Math.Round(1 - (double)macs / _unprunedMacs, 4),
            ["parameters"] = ModuleTree.ParameterCount(final),
            ["distilled"] = _tas.Final.Distill,
            ["validation"] = EvaluationJson.Of(val),
            ["test"] = EvaluationJson.Of(test),
            ["modelSha256"] = hash,
        };
        // Only a base network that was trained or given is a result; the scratch baseline has none.
        if (baseTest is not null)
            result["unpruned"] = new JsonObject { ["macs"] = _unprunedMacs, ["parameters"] = ModuleTree.ParameterCount(_base.Module), ["test"] = EvaluationJson.Of(baseTest) };
        return result;
    }

    /// <summary>tas.final.architecture (the text, or @file), else what this run's search wrote, else null.</summary>
    private TasArchitecture? KnownArchitecture() =>
        ArchitectureText.Resolve(_tas.Final.Architecture, "tas.final.architecture", ArchitecturePath) is { } found ? TasArchitecture.Parse(found.Text) : null;

    /// <summary>The derived network, freshly initialised from a seed of its own (TAS inherits no weights).</summary>
    private void BuildFinal(TasArchitecture architecture)
    {
        manual_seed((long)(SplitMix64.Mix((ulong)_context.Config.Seed, 0xF1A1) >> 1));
        var net = new TasResNet(architecture, _space.InChannels, _space.Classes);
        net.to(_context.Device);
        _final = _context.Optimized(net, "final.");
    }

    private EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, ImageDataset split) =>
        Evaluator.Evaluate(model, split, _context.Data.Normalization, _training.EvalBatchSize, _context.Device);

    public void Dispose()
    {
        _final?.Dispose();
        _arch.Dispose();
        _searchWeights.Dispose();
        _base.Dispose();
    }
}
