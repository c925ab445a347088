using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Randomness;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Serialization;
using NasPrune.Training.Checkpoints;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Training.Loops;

/// <summary>
/// Runs a training task (<see cref="ITrainingTask"/>) as a resumable run over its phases. All
/// randomness is a function of (seed, global step): the data order and augmentation of every batch,
/// and the torch seed set before every step; learning rates are a function of the step in its phase.
/// A checkpoint therefore holds only the model, the momentum buffers, the step and which phase has
/// been prepared, and a resumed run continues exactly where it stopped, across phase boundaries too.
/// Checkpoints are written at epoch ends, at phase ends (after the phase's report and the next phase's
/// preparation), every few minutes, and when the run is asked to stop.
/// With <paramref name="stopAfterPhase"/> the run stops (checkpointed, as if asked to) once that phase is complete,
/// so one phase's product (a base network, a teacher) can be made alone; running again without it continues the run.
/// </summary>
public sealed class RunTrainer(RunConfig config, RunDirectory run, ILogger logger, ITrainingProgress? progress = null, IRunReports? reports = null,
    IValidationObserver? validations = null, string? stopAfterPhase = null)
{
    private const string CheckpointFormat = "nasprune-run/1";

    /// <summary>The machine's CPU counters at the last epoch end in this process (or its start), for the neighbours line.</summary>
    private CpuSnapshot? _epochCpu;

    public TrainingOutcome Run(CancellationToken cancellation)
    {
        var (data, loader, context) = Setup();
        ImageDataset train = data.Train;
        using ITrainingTask task = TrainingTasks.Create(context);
        var plan = new PhasePlan(task.Phases, loader.BatchesPerEpoch);
        long stopAt = StopStep(plan);
        PrepareRunDirectory();
        logger.LogInformation("Data {Dataset}: {Train} train, {Validation} validation, {Test} test images of {C}x{H}x{W}",
            config.Data.Dataset, train.Count, data.Validation.Count, data.Test.Count, train.Channels, train.Height, train.Width);

        var checkpoints = new CheckpointStore(run.Checkpoints, config.Checkpoints.Keep, logger);
        var state = Restore(checkpoints, task, plan);
        if (state.Step >= plan.TotalSteps && File.Exists(run.Result))
        {
            logger.LogInformation("Run {Run} is already complete ({Steps} steps); nothing to do", run.Root, plan.TotalSteps);
            return TrainingOutcome.Completed;
        }
        if (state.Step >= stopAt)
        {
            logger.LogInformation("Run {Run} is past phase '{Phase}' (step {Step}); nothing to do until it runs without --stop-after", run.Root, stopAfterPhase, state.Step);
            return TrainingOutcome.Stopped;
        }

        using var metrics = new MetricsLog(run.Metrics, state.Step);
        logger.LogInformation("{Model}; {Steps} steps of batch {Batch} ({Epochs} epochs in {Phases} phase(s)), starting at step {Step}",
            task.Describe(), plan.TotalSteps, config.Training.BatchSize, plan.TotalEpochs, plan.Phases.Count, state.Step);
        if (state.Step < plan.TotalSteps) Enter(task, plan.PhaseAt(state.Step), state);

        var window = new Window();
        _epochCpu = CpuNeighbours.Take();
        var sinceCheckpoint = Stopwatch.StartNew();
        bool savedAtThisStep = false;
        while (state.Step < plan.TotalSteps)
        {
            int phase = plan.PhaseAt(state.Step);
            double lr = plan.Phases[phase].Schedule.At(state.Step - plan.Start(phase));
            long started = Stopwatch.GetTimestamp();
            window.Add(TrainStep(task, phase, state.Step, lr));
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            state.TrainedSeconds += seconds;
            window.Seconds += seconds;
            state.Step++;
            savedAtThisStep = false;
            int epoch = (int)((state.Step - 1) / plan.BatchesPerEpoch);

            if (state.Step % config.LogEverySteps == 0 || state.Step == plan.End(phase))
            {
                WriteTrainRow(metrics, window, plan, phase, epoch, state, lr, Math.Min(stopAt, plan.TotalSteps));
                window = new Window();
            }
            bool epochEnd = state.Step % plan.BatchesPerEpoch == 0;
            if (epochEnd)
            {
                LogNeighbours(epoch + 1);
                Validate(task, metrics, plan, phase, epoch, state, lr);
            }
            if (state.Step == plan.End(phase))
            {
                task.CompletePhase(phase, new PhaseEnd(state.Step, epoch + 1, state.TrainedSeconds));
                reports?.PhaseCompleted(run, plan.Phases[phase].Name);
                if (phase + 1 < plan.Phases.Count) Enter(task, phase + 1, state);
            }
            if (epochEnd || state.Step == plan.End(phase)
                || (config.Checkpoints.EveryMinutes > 0 && sinceCheckpoint.Elapsed.TotalMinutes >= config.Checkpoints.EveryMinutes))
            {
                Save(checkpoints, task, state);
                (savedAtThisStep, sinceCheckpoint) = (true, Stopwatch.StartNew());
            }
            if (state.Step == stopAt)
            {
                logger.LogInformation("Phase '{Phase}' is complete (step {Step} of {Total}) and the run stops there as asked; rerun without --stop-after to continue",
                    stopAfterPhase, state.Step, plan.TotalSteps);
                return TrainingOutcome.Stopped;
            }
            if (cancellation.IsCancellationRequested && state.Step < plan.TotalSteps)
            {
                if (!savedAtThisStep) Save(checkpoints, task, state);
                logger.LogInformation("Stopped at step {Step} of {Total}; rerun the same command to resume", state.Step, plan.TotalSteps);
                return TrainingOutcome.Stopped;
            }
        }

        if (!savedAtThisStep) Save(checkpoints, task, state);
        Finish(task, metrics, plan, state, data);
        return TrainingOutcome.Completed;
    }

    /// <summary>
    /// Everything <see cref="Run"/> does before its first step, writing nothing: the config against the data, the
    /// task built (the start, teacher and base files it names read and checked), the run directory's stored config
    /// compared, the newest good checkpoint loaded into the task, and the phase a run would start or resume in
    /// prepared. So a mistake in a multi-hour run's setup shows in seconds (<c>nasprune train --check</c>).
    /// </summary>
    public RunCheck Check()
    {
        var (_, loader, context) = Setup();
        using ITrainingTask task = TrainingTasks.Create(context);
        CompareStoredConfig();
        var plan = new PhasePlan(task.Phases, loader.BatchesPerEpoch);
        RunState state = Restore(new CheckpointStore(run.Checkpoints, int.MaxValue, logger), task, plan);
        bool complete = state.Step >= plan.TotalSteps && File.Exists(run.Result);
        if (state.Step < plan.TotalSteps) Enter(task, plan.PhaseAt(state.Step), state);
        var phases = plan.Phases.Select((p, i) => new RunCheck.Phase(p.Name, plan.Epochs(i), p.Steps)).ToList();
        logger.LogInformation("Check passed, nothing written: {Model}; {Steps} steps of batch {Batch} ({Epochs} epochs: {Phases}); {Where}",
            task.Describe(), plan.TotalSteps, config.Training.BatchSize, plan.TotalEpochs,
            string.Join(", ", phases.Select(p => $"{p.Name} {p.Epochs} ({p.Steps} steps)")),
            complete ? "the run is complete" : state.Step > 0 ? $"a run would resume at step {state.Step}" : "a run would start at step 0");
        return new RunCheck(task.Describe(), phases, plan.TotalSteps, state.Step, complete);
    }

    /// <summary>The step after which the run stops: the end of <c>stopAfterPhase</c>, or past the last step without it.</summary>
    private long StopStep(PhasePlan plan)
    {
        if (stopAfterPhase is null) return long.MaxValue;
        int index = plan.Phases.ToList().FindIndex(p => p.Name == stopAfterPhase);
        if (index < 0)
            throw new ArgumentException($"--stop-after: '{stopAfterPhase}' is not a phase of this run (its phases: {string.Join(", ", plan.Phases.Select(p => p.Name))})");
        // The last phase's end is the run's end, and a run that ends finishes (result.json): nothing to stop.
        return index == plan.Phases.Count - 1 ? long.MaxValue : plan.End(index);
    }

    private (DataSplits Data, BatchLoader Loader, TaskContext Context) Setup()
    {
        Device device = DeviceSelector.Parse(config.Device);
        TorchSetup.Configure(config.Threads, config.Seed);
        DataSplits data = DataSource.Load(config.Data);
        var loader = new BatchLoader(data.Train, config.Training.BatchSize, data.Normalization,
            config.Data.Augment ? Augmentation.Standard : null, shuffle: true, dropLast: true, seed: (ulong)config.Seed);
        return (data, loader, new TaskContext(config, data, run, device, loader, logger));
    }

    /// <summary>Prepares a phase in this process; a phase not yet prepared in the checkpoint starts fresh.</summary>
    private void Enter(ITrainingTask task, int phase, RunState state)
    {
        bool fresh = state.PreparedPhase < phase;
        task.EnterPhase(phase, fresh);
        state.PreparedPhase = phase;
        if (task.Phases.Count > 1)
            logger.LogInformation("Phase {Index}/{Count} '{Phase}' {How}", phase + 1, task.Phases.Count, task.Phases[phase].Name, fresh ? "starts" : "resumes");
    }

    private StepStatistics TrainStep(ITrainingTask task, int phase, long step, double lr)
    {
        using var scope = NewDisposeScope();
        manual_seed((long)(SplitMix64.Mix((ulong)config.Seed, (ulong)step, 0x5EED) >> 1));
        StepStatistics statistics = task.TrainStep(phase, step, lr);
        if (!double.IsFinite(statistics.LossSum))
            throw new TrainingDivergedException($"loss {statistics.LossSum} at step {step + 1} in phase '{task.Phases[phase].Name}'");
        return statistics;
    }

    private void Validate(ITrainingTask task, MetricsLog metrics, PhasePlan plan, int phase, int epoch, RunState state, double lr)
    {
        EvaluationResult? val = task.ValidateEpoch(phase);
        if (val is null) return;
        MemoryBreakdown memory = MemoryUse.TrimmedBreakdown();
        metrics.Write(new MetricsRow
        {
            Epoch = epoch + 1, Step = state.Step, Stage = plan.Phases[phase].Name, Phase = "val", Lr = lr,
            Loss = val.Loss, Top1 = val.Top1, Top5 = val.Top5, ElapsedSeconds = state.TrainedSeconds, RssMb = memory.ResidentMb,
        });
        // The parts tell a leak (in-use memory that climbs) from memory an allocator holds and hands out again.
        logger.LogInformation("Memory after epoch {Epoch}: resident {ResidentMb:F0} MB = anonymous {AnonymousMb:F0} + file-backed {FileBackedMb:F0}; of the anonymous: managed {ManagedCommittedMb:F0} MB committed (heap {ManagedHeapMb:F0}), native in use {NativeInUseMb:F0}, held by allocators {HeldMb:F0}",
            epoch + 1, memory.ResidentMb, memory.AnonymousMb, memory.FileBackedMb, memory.ManagedCommittedMb, memory.ManagedHeapMb,
            memory.NativeInUseMb, memory.HeldByAllocatorsMb);
        logger.LogInformation("{Phase} epoch {Epoch}/{Epochs}: validation top-1 {Top1:F2} %, loss {Loss:F4}",
            PhaseLabel(plan, phase), plan.EpochInPhase(state.Step - 1), plan.Epochs(phase), val.Top1, val.Loss);
        validations?.Validated(plan.Phases[phase].Name, epoch + 1, val);
    }

    /// <summary>
    /// Other processes' CPU use over the epoch just ended. An epoch's images/s means little without it: on two cores, a
    /// 1-thread training beside another runs at about 2/3 of its speed alone, a 2-thread one beside two at a tenth.
    /// </summary>
    private void LogNeighbours(int epoch)
    {
        CpuSnapshot? now = CpuNeighbours.Take();
        if (CpuNeighbours.Load(_epochCpu, now) is { } load)
            logger.LogInformation("Epoch {Epoch}: other processes kept {Busy:F2} of {Cpus} CPUs busy on average beside this run's {Threads} thread(s)",
                epoch, load.BusyCpus, load.Cpus, TorchSetup.Threads);
        _epochCpu = now;
    }

    /// <param name="endStep">Where this process stops: the run's end, or the end of the --stop-after phase (the ETA counts to it).</param>
    private void WriteTrainRow(MetricsLog metrics, Window window, PhasePlan plan, int phase, int epoch, RunState state, double lr, long endStep)
    {
        if (window.Images == 0) return;
        double loss = window.LossSum / Math.Max(1, window.Passes);
        double top1 = 100.0 * window.Correct / window.Images;
        double imagesPerSecond = window.Samples / Math.Max(window.Seconds, 1e-9);
        metrics.Write(new MetricsRow
        {
            Epoch = epoch + 1, Step = state.Step, Stage = plan.Phases[phase].Name, Phase = "train", Lr = lr, Loss = loss, Top1 = top1,
            ImagesPerSecond = imagesPerSecond, ElapsedSeconds = state.TrainedSeconds,
        });
        var remaining = TimeSpan.FromSeconds((endStep - state.Step) * window.Seconds / Math.Max(1, window.Steps));
        logger.LogInformation("{Phase} step {Step}/{Total} epoch {Epoch}/{Epochs}: loss {Loss:F4}, train top-1 {Top1:F2} %, lr {Lr:F5}, {Speed:F0} images/s, ETA {Eta}",
            PhaseLabel(plan, phase), state.Step, plan.TotalSteps, plan.EpochInPhase(state.Step - 1), plan.Epochs(phase), loss, top1, lr, imagesPerSecond,
            remaining.ToString(@"d\.hh\:mm\:ss"));
        progress?.Report(new TrainingProgress(plan.Phases[phase].Name, state.Step, plan.TotalSteps, epoch + 1, plan.TotalEpochs, loss, imagesPerSecond, remaining));
    }

    private static string PhaseLabel(PhasePlan plan, int phase) =>
        plan.Phases.Count == 1 ? "Training" : $"Phase '{plan.Phases[phase].Name}'";

    private void Finish(ITrainingTask task, MetricsLog metrics, PhasePlan plan, RunState state, DataSplits data)
    {
        JsonObject fields = task.Finish(metrics, plan.TotalSteps, state.TrainedSeconds);
        var result = new JsonObject
        {
            ["name"] = config.Name,
            ["dataset"] = config.Data.Dataset,
            ["steps"] = plan.TotalSteps,
            ["trainImages"] = data.Train.Count,
        };
        foreach (var (key, value) in fields) result[key] = value?.DeepClone();
        result["trainingSeconds"] = Math.Round(state.TrainedSeconds, 1);
        result["trainImagesPerSecond"] = Math.Round(plan.TotalSteps * config.Training.BatchSize / Math.Max(state.TrainedSeconds, 1e-9), 1);
        result["peakRssMb"] = Math.Round(MemoryUse.PeakRssMb(), 1);
        result["device"] = config.Device;
        result["threads"] = TorchSetup.Threads;
        result["torchSharp"] = TorchSetup.TorchSharpVersion;
        result["libTorch"] = TorchSetup.LibTorchVersion;
        AtomicFile.WriteAllText(run.Result, result.ToJsonString(RunConfigJson.Options));
        logger.LogInformation("Finished {Run} after {Hours:F2} h of training; result in {Result}", config.Name, state.TrainedSeconds / 3600, run.Result);
    }

    private void PrepareRunDirectory()
    {
        CompareStoredConfig();
        run.Create();
        AtomicFile.WriteAllText(run.Config, RunConfigJson.Serialize(config));
    }

    /// <summary>A run resumes only under the config it started with (operational fields aside).</summary>
    private void CompareStoredConfig()
    {
        if (!File.Exists(run.Config)) return;
        RunConfig stored = RunConfigJson.Deserialize(File.ReadAllText(run.Config), run.Config);
        string? difference = RunConfigJson.FirstDifference(stored, config);
        if (difference is not null)
            throw new RunMismatchException($"run directory {run.Root} was started with a different config ({difference}); use a new --run-dir or the original config");
    }

    private RunState Restore(CheckpointStore checkpoints, ITrainingTask task, PhasePlan plan)
    {
        using LoadedArchive? archive = checkpoints.LoadLatestGood();
        if (archive is null) return new RunState { PreparedPhase = -1 };
        string format = archive.Metadata["format"]?.GetValue<string>() ?? "";
        if (format != CheckpointFormat)
            throw new InvalidDataException($"{checkpoints.Folder}: checkpoint format '{format}' is not '{CheckpointFormat}'");
        long step = archive.Metadata["step"]!.GetValue<long>();
        // Checkpoints of single-phase runs written before phases existed: their one phase was prepared.
        int prepared = archive.Metadata["preparedPhase"]?.GetValue<int>() ?? plan.PhaseAt(Math.Max(0, step - 1));
        task.LoadState(archive.Tensors, Math.Max(0, prepared), checkpoints.Folder);
        return new RunState { Step = step, TrainedSeconds = archive.Metadata["trainedSeconds"]!.GetValue<double>(), PreparedPhase = prepared };
    }

    private void Save(CheckpointStore checkpoints, ITrainingTask task, RunState state)
    {
        var tensors = task.State().ToList();
        if (NonFinite.FirstName(tensors) is { } name)
            throw new TrainingDivergedException($"'{name}' holds NaN or Inf at step {state.Step}, so its checkpoint was not written");
        checkpoints.Save(state.Step, tensors, new JsonObject
        {
            ["format"] = CheckpointFormat,
            ["step"] = state.Step,
            ["trainedSeconds"] = state.TrainedSeconds,
            ["preparedPhase"] = state.PreparedPhase,
            ["seed"] = config.Seed,
            ["arch"] = config.Model.Arch,
        });
    }

    /// <summary>Where the run is; exactly what a checkpoint restores.</summary>
    private sealed class RunState
    {
        public long Step;
        public double TrainedSeconds;
        public int PreparedPhase;
    }

    /// <summary>Training statistics since the last log row.</summary>
    private sealed class Window
    {
        public double LossSum;
        public long Correct;
        public long Images;
        public long Samples;
        public int Passes;
        public int Steps;
        public double Seconds;

        public void Add(StepStatistics step)
        {
            LossSum += step.LossSum;
            Passes += step.Passes;
            Correct += step.Correct;
            Images += step.Images;
            Samples += step.Images / Math.Max(1, step.Passes);
            Steps++;
        }
    }
}
