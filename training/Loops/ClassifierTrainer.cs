using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Serialization;
using NasPrune.Training.Checkpoints;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Models;
using NasPrune.Training.Optimization;
using NasPrune.Supernet.Randomness;
using NasPrune.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Training.Loops;

/// <summary>
/// Trains a static classifier as a resumable run. All randomness is a function of (seed, step): the
/// data order and augmentation of every batch, and the torch seed set before every step. A checkpoint
/// therefore needs only the weights, the momentum buffers and the step to continue exactly where the
/// run stopped; the learning rate is a function of the step too.
/// </summary>
public sealed class ClassifierTrainer(RunConfig config, RunDirectory run, ILogger logger, ITrainingProgress? progress = null)
{
    private const string CheckpointFormat = "nasprune-run/1";

    public TrainingOutcome Run(CancellationToken cancellation)
    {
        Device device = DeviceSelector.Parse(config.Device);
        TorchSetup.Configure(config.Threads, config.Seed);
        DataSplits data = DataSource.Load(config.Data);
        PrepareRunDirectory();
        ImageDataset train = data.Train;
        logger.LogInformation("Data {Dataset}: {Train} train, {Validation} validation, {Test} test images of {C}x{H}x{W}",
            config.Data.Dataset, train.Count, data.Validation.Count, data.Test.Count, train.Channels, train.Height, train.Width);

        using var model = ModelFactory.Create(config.Model, train.Channels, train.Classes);
        model.to(device);
        using var optimizer = new SgdOptimizer(model.named_parameters().Select(p => (p.name, p.parameter)),
            config.Training.Momentum, config.Training.Nesterov, config.Training.WeightDecay);

        var loader = new BatchLoader(train, config.Training.BatchSize, data.Normalization,
            config.Data.Augment ? Augmentation.Standard : null, shuffle: true, dropLast: true, seed: (ulong)config.Seed);
        int batchesPerEpoch = loader.BatchesPerEpoch;
        long totalSteps = (long)config.Training.Epochs * batchesPerEpoch;
        var schedule = new WarmupCosineSchedule(config.Training.Lr,
            (long)Math.Round(config.Training.WarmupEpochs * batchesPerEpoch), totalSteps);

        var checkpoints = new CheckpointStore(run.Checkpoints, config.Checkpoints.Keep, logger);
        (long step, double trainedSeconds) = Restore(checkpoints, model, optimizer);
        if (step >= totalSteps && File.Exists(run.Result))
        {
            logger.LogInformation("Run {Run} is already complete ({Steps} steps); nothing to do", run.Root, totalSteps);
            return TrainingOutcome.Completed;
        }

        using var metrics = new MetricsLog(run.Metrics, step);
        long macs = ModelFactory.Macs(config.Model, train.Channels, train.Classes, train.Height);
        logger.LogInformation("Model {Arch}: {Params} parameters, {MMacs:F2} M MACs per image; {Steps} steps of batch {Batch} ({Epochs} epochs), starting at step {Step}",
            config.Model.Arch, ParameterCount(model), macs / 1e6, totalSteps, config.Training.BatchSize, config.Training.Epochs, step);

        model.train();
        var window = new Window();
        var sinceCheckpoint = Stopwatch.StartNew();
        bool savedAtThisStep = false;
        while (step < totalSteps)
        {
            int epoch = (int)(step / batchesPerEpoch);
            double lr = schedule.At(step);
            long started = Stopwatch.GetTimestamp();
            TrainStep(model, optimizer, loader, epoch, (int)(step % batchesPerEpoch), step, lr, device, window);
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            trainedSeconds += seconds;
            window.Seconds += seconds;
            step++;
            savedAtThisStep = false;

            if (step % config.LogEverySteps == 0 || step == totalSteps)
            {
                WriteTrainRow(metrics, window, epoch, step, lr, trainedSeconds, totalSteps);
                window = new Window();
            }
            if (step % batchesPerEpoch == 0)
            {
                EvaluationResult val = Evaluator.Evaluate(model, data.Validation, data.Normalization, config.Training.EvalBatchSize, device);
                metrics.Write(new MetricsRow { Epoch = epoch + 1, Step = step, Phase = "val", Lr = lr, Loss = val.Loss, Top1 = val.Top1, Top5 = val.Top5, ElapsedSeconds = trainedSeconds });
                logger.LogInformation("Epoch {Epoch}/{Epochs}: validation top-1 {Top1:F2} %, loss {Loss:F4}",
                    epoch + 1, config.Training.Epochs, val.Top1, val.Loss);
                Save(checkpoints, model, optimizer, step, trainedSeconds);
                (savedAtThisStep, sinceCheckpoint) = (true, Stopwatch.StartNew());
            }
            else if (config.Checkpoints.EveryMinutes > 0 && sinceCheckpoint.Elapsed.TotalMinutes >= config.Checkpoints.EveryMinutes)
            {
                Save(checkpoints, model, optimizer, step, trainedSeconds);
                (savedAtThisStep, sinceCheckpoint) = (true, Stopwatch.StartNew());
            }
            if (cancellation.IsCancellationRequested && step < totalSteps)
            {
                if (!savedAtThisStep) Save(checkpoints, model, optimizer, step, trainedSeconds);
                logger.LogInformation("Stopped at step {Step} of {Total}; rerun the same command to resume", step, totalSteps);
                return TrainingOutcome.Stopped;
            }
        }

        Finish(model, data, device, metrics, totalSteps, trainedSeconds, macs, checkpoints, optimizer, savedAtThisStep);
        return TrainingOutcome.Completed;
    }

    private void TrainStep(nn.Module<Tensor, Tensor> model, SgdOptimizer optimizer, BatchLoader loader, int epoch, int batchIndex,
        long step, double lr, Device device, Window window)
    {
        using var scope = NewDisposeScope();
        manual_seed((long)(SplitMix64.Mix((ulong)config.Seed, (ulong)step, 0x5EED) >> 1));
        Batch batch = loader.GetBatch(epoch, batchIndex, device);
        Tensor logits = model.call(batch.Images);
        Tensor loss = F.cross_entropy(logits, batch.Labels, label_smoothing: config.Training.LabelSmoothing);
        optimizer.ZeroGrad();
        loss.backward();
        optimizer.Step(lr);
        window.Add(loss.item<float>(), logits.argmax(1).eq(batch.Labels).sum().item<long>(), batch.Count);
    }

    private void WriteTrainRow(MetricsLog metrics, Window window, int epoch, long step, double lr, double trainedSeconds, long totalSteps)
    {
        if (window.Images == 0) return;
        double speed = window.Images / Math.Max(window.Seconds, 1e-9);
        double loss = window.LossSum / window.Steps;
        double top1 = 100.0 * window.Correct / window.Images;
        metrics.Write(new MetricsRow { Epoch = epoch + 1, Step = step, Phase = "train", Lr = lr, Loss = loss, Top1 = top1, ImagesPerSecond = speed, ElapsedSeconds = trainedSeconds });
        var remaining = TimeSpan.FromSeconds((totalSteps - step) * config.Training.BatchSize / Math.Max(speed, 1e-9));
        logger.LogInformation("Step {Step}/{Total} epoch {Epoch}: loss {Loss:F4}, train top-1 {Top1:F2} %, lr {Lr:F5}, {Speed:F0} images/s, ETA {Eta}",
            step, totalSteps, epoch + 1, loss, top1, lr, speed, remaining.ToString(@"d\.hh\:mm\:ss"));
        progress?.Report(new TrainingProgress("train", step, totalSteps, epoch + 1, config.Training.Epochs, loss, speed, remaining));
    }

    private void Finish(nn.Module<Tensor, Tensor> model, DataSplits data, Device device, MetricsLog metrics, long totalSteps,
        double trainedSeconds, long macs, CheckpointStore checkpoints, SgdOptimizer optimizer, bool savedAtLastStep)
    {
        if (!savedAtLastStep) Save(checkpoints, model, optimizer, totalSteps, trainedSeconds);
        EvaluationResult val = Evaluator.Evaluate(model, data.Validation, data.Normalization, config.Training.EvalBatchSize, device);
        EvaluationResult test = Evaluator.Evaluate(model, data.Test, data.Normalization, config.Training.EvalBatchSize, device);
        metrics.Write(new MetricsRow { Epoch = config.Training.Epochs, Step = totalSteps, Phase = "test", Loss = test.Loss, Top1 = test.Top1, Top5 = test.Top5, ElapsedSeconds = trainedSeconds });
        string modelHash = TensorArchive.Write(run.Model, ModuleState.Named(model), new JsonObject { ["arch"] = config.Model.Arch });

        var result = new JsonObject
        {
            ["name"] = config.Name,
            ["dataset"] = config.Data.Dataset,
            ["arch"] = config.Model.Arch,
            ["epochs"] = config.Training.Epochs,
            ["steps"] = totalSteps,
            ["trainImages"] = data.Train.Count,
            ["parameters"] = ParameterCount(model),
            ["macsPerImage"] = macs,
            ["validation"] = ToJson(val),
            ["test"] = ToJson(test),
            ["trainingSeconds"] = Math.Round(trainedSeconds, 1),
            ["trainImagesPerSecond"] = Math.Round(totalSteps * config.Training.BatchSize / Math.Max(trainedSeconds, 1e-9), 1),
            ["device"] = config.Device,
            ["threads"] = TorchSetup.Threads,
            ["torchSharp"] = TorchSetup.TorchSharpVersion,
            ["libTorch"] = TorchSetup.LibTorchVersion,
            ["modelSha256"] = modelHash,
        };
        AtomicFile.WriteAllText(run.Result, result.ToJsonString(RunConfigJson.Options));
        logger.LogInformation("Finished {Run}: test top-1 {Top1:F2} % (validation {Val:F2} %) after {Hours:F2} h of training",
            config.Name, test.Top1, val.Top1, trainedSeconds / 3600);
    }

    private static JsonObject ToJson(EvaluationResult r) => new()
    {
        ["top1"] = Math.Round(r.Top1, 4),
        ["top5"] = Math.Round(r.Top5, 4),
        ["loss"] = Math.Round(r.Loss, 6),
        ["images"] = r.Images,
    };

    private void PrepareRunDirectory()
    {
        run.Create();
        if (File.Exists(run.Config))
        {
            RunConfig stored = RunConfigJson.Deserialize(File.ReadAllText(run.Config), run.Config);
            string? difference = RunConfigJson.FirstDifference(stored, config);
            if (difference is not null)
                throw new RunMismatchException($"run directory {run.Root} was started with a different config ({difference}); use a new --run-dir or the original config");
        }
        AtomicFile.WriteAllText(run.Config, RunConfigJson.Serialize(config));
    }

    private (long Step, double TrainedSeconds) Restore(CheckpointStore checkpoints, nn.Module<Tensor, Tensor> model, SgdOptimizer optimizer)
    {
        using LoadedArchive? archive = checkpoints.LoadLatestGood();
        if (archive is null) return (0, 0);
        string format = archive.Metadata["format"]?.GetValue<string>() ?? "";
        if (format != CheckpointFormat)
            throw new InvalidDataException($"{checkpoints.Folder}: checkpoint format '{format}' is not '{CheckpointFormat}'");
        ModuleState.Load(model, archive.Tensors, "model.", checkpoints.Folder);
        optimizer.LoadState(archive.Tensors, "optim.", checkpoints.Folder);
        return (archive.Metadata["step"]!.GetValue<long>(), archive.Metadata["trainedSeconds"]!.GetValue<double>());
    }

    private void Save(CheckpointStore checkpoints, nn.Module<Tensor, Tensor> model, SgdOptimizer optimizer, long step, double trainedSeconds)
    {
        var tensors = ModuleState.Named(model, "model.").Concat(optimizer.State().Select(kv => KeyValuePair.Create("optim." + kv.Key, kv.Value)));
        checkpoints.Save(step, tensors, new JsonObject
        {
            ["format"] = CheckpointFormat,
            ["step"] = step,
            ["trainedSeconds"] = trainedSeconds,
            ["seed"] = config.Seed,
            ["arch"] = config.Model.Arch,
        });
    }

    private static long ParameterCount(nn.Module<Tensor, Tensor> model) => model.parameters().Sum(p => p.numel());

    /// <summary>Training statistics since the last log row.</summary>
    private sealed class Window
    {
        public double LossSum;
        public long Correct;
        public long Images;
        public int Steps;
        public double Seconds;

        public void Add(double loss, long correct, int images)
        {
            LossSum += loss;
            Correct += correct;
            Images += images;
            Steps++;
        }
    }
}
