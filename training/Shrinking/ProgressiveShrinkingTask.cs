using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Serialization;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using NasPrune.Training.Models;
using NasPrune.Training.Optimization;
using NasPrune.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Training.Shrinking;

/// <summary>
/// Progressive shrinking of an OFA supernet (design note ofa.md): the teacher phase trains the largest
/// network alone; every later phase samples sub-networks from its choices, n per step, each trained
/// against label-smoothed CE plus KD from the frozen teacher, gradients summed into one optimiser step.
/// Each expand phase starts by sorting channels. After each phase the panel of sub-networks is
/// measured into subnets.csv and the supernet is saved (phases/{phase}.npta); the teacher phase also
/// exports the teacher. At the end the largest, middle and smallest networks are measured on the test
/// split and exported (subnets/{name}).
/// </summary>
public sealed class ProgressiveShrinkingTask : ITrainingTask
{
    private readonly TaskContext _context;
    private readonly ProgressiveShrinkingConfig _shrinking;
    private readonly IReadOnlyList<ShrinkingPhaseConfig> _phases;   // the phases this run trains (from startPhase on)
    private readonly OfaSupernet _supernet;
    private readonly OptimizedModule _trained;
    private readonly PhaseSampling[] _sampling;
    private readonly SubnetMeasurement _measurement;
    private readonly ImageDataset _validation;
    private readonly IReadOnlyList<(string Name, SubnetConfig Config)> _panel;
    private Teacher? _teacher;

    public ProgressiveShrinkingTask(TaskContext context)
    {
        _context = context;
        RunConfig config = context.Config;
        _shrinking = config.ProgressiveShrinking ?? throw new ArgumentException("config: 'progressiveShrinking' is required for the supernet");
        _phases = _shrinking.PhasesToRun();
        ImageDataset train = context.Data.Train;
        Space = ModelFactory.Space(config.Model, train.Channels, train.Classes);
        _supernet = new OfaSupernet(Space);
        if (!string.IsNullOrEmpty(_shrinking.StartSupernet)) LoadStart(_shrinking.StartSupernet);
        _supernet.to(context.Device);
        _trained = context.Optimized(_supernet);

        double lrScale = config.Training.BatchSize / 64.0;
        Phases = _phases.Select(p => new TrainingPhase(p.Name,
            (long)(p.Epochs + p.WarmupEpochs) * context.BatchesPerEpoch, (long)p.WarmupEpochs * context.BatchesPerEpoch, p.BaseLrPer64 * lrScale)).ToList();
        _sampling = _phases.Select(p => new PhaseSampling(Space, p, config.Seed)).ToArray();

        SubnetEvaluationConfig evaluation = _shrinking.Evaluation;
        _measurement = new SubnetMeasurement(context.Data, evaluation.RecalibrationImages, (ulong)config.Seed, config.Training.EvalBatchSize, context.Device);
        ImageDataset validation = context.Data.Validation;
        _validation = evaluation.ValidationImages > 0 && evaluation.ValidationImages < validation.Count
            ? validation.Slice(validation.Name, 0, evaluation.ValidationImages)
            : validation;
        _panel = SubnetPanel.For(Space, evaluation, config.Seed);
    }

    public OfaSearchSpace Space { get; }
    public RunConfig Config => _context.Config;

    /// <summary>The frozen teacher once a KD phase has been entered (for inspection).</summary>
    public Teacher? ActiveTeacher => _teacher;
    public OfaSupernet Supernet => _supernet;
    public IReadOnlyList<TrainingPhase> Phases { get; }

    public IEnumerable<KeyValuePair<string, Tensor>> State() => _trained.State();

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, int phase, string source) => _trained.LoadState(tensors, source);

    public string Describe()
    {
        var (maxMacs, maxParams) = SubnetCost.Of(SubnetConfig.Largest(Space));
        var (minMacs, _) = SubnetCost.Of(SubnetConfig.Smallest(Space));
        return $"OFA supernet {Space.Name} x{Space.WidthMultiplier}: {ModuleTree.ParameterCount(_supernet)} parameters; "
            + $"sub-networks {minMacs / 1e6:F2}-{maxMacs / 1e6:F2} M MACs (largest {maxParams} parameters); phases {string.Join(", ", Phases.Select(p => p.Name))}";
    }

    public void EnterPhase(int phase, bool fresh)
    {
        ShrinkingPhaseConfig config = _phases[phase];
        if (fresh) _trained.Optimizer.ResetMomentum(); // each phase starts with a new optimiser, as the reference's
        _supernet.train();
        if (!config.IsTeacher && _shrinking.KdRatio > 0) _teacher ??= LoadTeacher();
        if (fresh && _sampling[phase].ExpandStage is int stage)
        {
            ChannelSorter.Sort(_supernet, stage);
            _context.Logger.LogInformation("Sorted the middle channels of every block by importance (expand stage {Stage})", stage);
        }
    }

    public StepStatistics TrainStep(int phase, long step, double lr)
    {
        _trained.Optimizer.ZeroGrad();
        StepStatistics statistics = Accumulate(phase, step, _context.TrainBatch(step));
        _trained.Optimizer.Step(lr);
        return statistics;
    }

    /// <summary>Forward and backward of every sub-network of the step on <paramref name="batch"/>: gradients add up (no optimiser step).</summary>
    public StepStatistics Accumulate(int phase, long step, Batch batch)
    {
        ShrinkingPhaseConfig config = _phases[phase];
        PhaseSampling sampling = _sampling[phase];
        int resolution = sampling.ResolutionAt(step);
        Tensor images = OfaInput.Resize(batch.Images, resolution);
        Tensor? soft = config.IsTeacher || _teacher is null ? null : _teacher.Probabilities(TeacherInput(batch.Images, images));
        double lossSum = 0;
        long correct = 0;
        for (int i = 0; i < config.SubnetsPerStep; i++)
        {
            using var scope = NewDisposeScope();
            SubnetConfig subnet = sampling.SubnetAt(step, i, resolution);
            Tensor logits = _supernet.Forward(images, subnet);
            Tensor loss = DistillationLoss.Of(logits, batch.Labels, _context.Config.Training.LabelSmoothing, soft, _shrinking.KdRatio);
            loss.backward();
            lossSum += loss.item<float>();
            correct += SupervisedStep.Correct(logits, batch.Labels);
        }
        return new StepStatistics(lossSum, config.SubnetsPerStep, correct, (long)batch.Count * config.SubnetsPerStep);
    }

    /// <summary>The batch as the teacher sees it (<see cref="ProgressiveShrinkingConfig.TeacherResolution"/>).</summary>
    private Tensor TeacherInput(Tensor original, Tensor atStepResolution) =>
        _shrinking.TeacherResolution == ProgressiveShrinkingConfig.TeacherAtMaxResolution && atStepResolution.shape[^1] != Space.Resolutions.Max()
            ? OfaInput.Resize(original, Space.Resolutions.Max())
            : atStepResolution;

    public EvaluationResult? ValidateEpoch(int phase) =>
        _shrinking.Evaluation.EveryEpoch ? _measurement.Measure(_supernet, SubnetConfig.Largest(Space), _validation) : null;

    public void CompletePhase(int phase, PhaseEnd end)
    {
        string name = Phases[phase].Name;
        var rows = new List<SubnetRow>();
        foreach (var (panelName, config) in _panel)
        {
            // One line per sub-network as it is measured: the whole panel takes many minutes on the full validation split.
            SubnetRow row = Row(name, end.Step, panelName, config, "validation", _measurement.Measure(_supernet, config, _validation));
            rows.Add(row);
            _context.Logger.LogInformation("After {Phase} ({Done}/{Count}): {Name} {Arch} ({MMacs:F2} M MACs) validation top-1 {Top1:F2} %",
                name, rows.Count, _panel.Count, row.Name, row.Arch, row.Macs / 1e6, row.Top1);
        }
        CsvTable.Replace<SubnetRow>(_context.Run.SubnetsCsv, r => r.Stage == name, rows);

        Directory.CreateDirectory(Path.GetDirectoryName(_context.Run.PhaseSupernet(name))!);
        SupernetFile.Write(_context.Run.PhaseSupernet(name), _supernet, new JsonObject { ["phase"] = name, ["step"] = end.Step, ["seed"] = _context.Config.Seed });
        if (_phases[phase].IsTeacher)
        {
            using StaticOfaNet teacher = SubnetExtractor.Extract(_supernet, SubnetConfig.Largest(Space));
            teacher.cpu();
            SubnetExport.Write(_context.Run.Teacher, teacher, InputJson(), new JsonObject { ["phase"] = name, ["step"] = end.Step });
            _teacher?.Dispose();
            _teacher = null;
        }
        var phaseRow = new PhaseRow
        {
            Stage = name, Step = end.Step, Epoch = end.Epoch, TrainedSeconds = Math.Round(end.TrainedSeconds, 1),
            RssMb = Math.Round(MemoryUse.TrimmedRssMb(), 1), PeakRssMb = Math.Round(MemoryUse.PeakRssMb(), 1),
        };
        CsvTable.Replace<PhaseRow>(_context.Run.PhasesCsv, r => r.Stage == name, [phaseRow]);
        _context.Logger.LogInformation("Phase {Phase} done at step {Step}: resident memory {Rss:F0} MB (peak {Peak:F0} MB)",
            name, end.Step, phaseRow.RssMb, phaseRow.PeakRssMb);
    }

    public JsonObject Finish(MetricsLog metrics, long totalSteps, double trainedSeconds)
    {
        string supernetHash = SupernetFile.Write(_context.Run.Supernet, _supernet, new JsonObject { ["phase"] = "final", ["step"] = totalSteps, ["seed"] = _context.Config.Seed });
        var final = new JsonObject();
        var rows = new List<SubnetRow>();
        foreach (var (name, config) in _panel.Take(3)) // largest, middle, smallest
        {
            using StaticOfaNet net = _measurement.Prepare(_supernet, config);
            EvaluationResult val = _measurement.Evaluate(net, _context.Data.Validation);
            EvaluationResult test = _measurement.Evaluate(net, _context.Data.Test);
            rows.Add(Row("final", totalSteps, name, config, "test", test));
            net.cpu();
            var provenance = new JsonObject
            {
                ["supernet"] = _context.Run.Supernet,
                ["supernetSha256"] = supernetHash,
                ["recalibration"] = _measurement.Provenance(),
                ["validationTop1"] = Math.Round(val.Top1, 4),
                ["testTop1"] = Math.Round(test.Top1, 4),
            };
            SubnetExport.Write(_context.Run.ExportedSubnet(name), net, InputJson(), provenance);
            var (macs, parameters) = SubnetCost.Of(config);
            final[name] = new JsonObject
            {
                ["arch"] = config.ToString(),
                ["macs"] = macs,
                ["params"] = parameters,
                ["validation"] = EvaluationJson.Of(val),
                ["test"] = EvaluationJson.Of(test),
                ["exported"] = _context.Run.ExportedSubnet(name),
            };
            _context.Logger.LogInformation("Final {Name} {Arch}: test top-1 {Top1:F2} % (validation {Val:F2} %), {MMacs:F2} M MACs",
                name, config.ToString(), test.Top1, val.Top1, macs / 1e6);
        }
        CsvTable.Replace<SubnetRow>(_context.Run.SubnetsCsv, r => r.Stage == "final", rows);
        return new JsonObject
        {
            ["arch"] = ModelConfig.Supernet,
            ["space"] = Space.Name,
            ["widthMultiplier"] = Space.WidthMultiplier,
            ["phases"] = new JsonArray(Phases.Select(p => (JsonNode)p.Name).ToArray()),
            ["parameters"] = ModuleTree.ParameterCount(_supernet),
            ["supernetSha256"] = supernetHash,
            ["subnets"] = final,
        };
    }

    private static SubnetRow Row(string stage, long step, string name, SubnetConfig config, string split, EvaluationResult r)
    {
        var (macs, parameters) = SubnetCost.Of(config);
        return new SubnetRow
        {
            Stage = stage, Step = step, Name = name, Arch = config.ToString(), Resolution = config.Resolution, Macs = macs, Params = parameters,
            Split = split, Top1 = Math.Round(r.Top1, 4), Top5 = Math.Round(r.Top5, 4), Loss = Math.Round(r.Loss, 6),
        };
    }

    private JsonObject InputJson() => _context.Data.Normalization.ToInputJson(_context.Config.Data.Dataset);

    /// <summary>Starts from a supernet file, or from a static largest network (trained alone) loaded into the full-size weights.</summary>
    private void LoadStart(string path)
    {
        const string field = "progressiveShrinking.startSupernet";
        if (!LargestNetworkFile.IsSupernetFile(path))
        {
            using StaticOfaNet largest = LargestNetworkFile.Read(path, Space, field);
            SubnetExtractor.LoadLargest(_supernet, largest);
            _context.Logger.LogInformation("Starting from the largest network {Path}: the supernet's full-size weights", path);
            return;
        }
        var (start, metadata) = SupernetFile.Read(path);
        using (start)
        {
            if (!start.Space.Equals(Space))
                throw new InvalidDataException($"{field}: '{path}' has a different search space than model.space / widthMultiplier / the data");
            ModuleState.Load(_supernet, ModuleState.Named(start).ToDictionary(), "", path);
        }
        _context.Logger.LogInformation("Starting from supernet {Path} (phase {Phase})", path, metadata["phase"]?.ToString() ?? "?");
    }

    private Teacher LoadTeacher()
    {
        StaticOfaNet net;
        string source;
        if (Directory.Exists(_context.Run.Teacher) && _phases.Any(p => p.IsTeacher))
        {
            (net, _) = SubnetExport.Read(_context.Run.Teacher);
            source = _context.Run.Teacher;
        }
        else
        {
            bool own = !string.IsNullOrEmpty(_shrinking.Teacher);
            source = own ? _shrinking.Teacher!
                : _shrinking.StartSupernet ?? throw new InvalidOperationException("no teacher: the run has neither a finished teacher phase nor a teacher file");
            net = LargestNetworkFile.Read(source, Space, own ? "progressiveShrinking.teacher" : "progressiveShrinking.startSupernet");
        }
        _context.Logger.LogInformation("Teacher {Arch} from {Source} (BN {Mode}; sees each batch at {Resolution})", net.Config.ToString(), source, _shrinking.TeacherBn,
            _shrinking.TeacherResolution == ProgressiveShrinkingConfig.TeacherAtMaxResolution ? $"resolution {Space.Resolutions.Max()}" : "the step's resolution");
        return new Teacher(net, _shrinking.TeacherBn, _context.Device);
    }

    public void Dispose()
    {
        _teacher?.Dispose();
        _trained.Dispose();
    }
}
