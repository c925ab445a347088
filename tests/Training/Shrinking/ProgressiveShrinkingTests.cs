using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Serialization;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;
using NasPrune.Training.Shrinking;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training.Shrinking;

public sealed class ProgressiveShrinkingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void EachPhaseSamplesExactlyTheDimensionsItNames()
    {
        OfaSearchSpace space = OfaSearchSpace.Default(0.25);
        foreach (ShrinkingPhaseConfig phase in TinyShrinking.AllPhases)
        {
            var sampling = new PhaseSampling(space, phase, seed: 3);
            var (kernels, depths, expands, resolutions) = (new HashSet<int>(), new HashSet<int>(), new HashSet<double>(), new HashSet<int>());
            for (long step = 0; step < 300; step++)
            {
                int resolution = sampling.ResolutionAt(step);
                resolutions.Add(resolution);
                for (int i = 0; i < phase.SubnetsPerStep; i++)
                {
                    SubnetConfig config = sampling.SubnetAt(step, i, resolution);
                    Assert.Equal(resolution, config.Resolution);
                    for (int s = 0; s < space.StageCount; s++)
                    {
                        depths.Add(config.Depths[s]);
                        for (int b = 0; b < config.Depths[s]; b++)
                        {
                            kernels.Add(config.Kernel(s, b));
                            expands.Add(config.Expand(s, b));
                        }
                    }
                }
            }
            // Every listed value is drawn, nothing else; unlisted dimensions stay at their largest value.
            Assert.True((phase.Kernels ?? [7]).ToHashSet().SetEquals(kernels), $"{phase.Name} kernels {string.Join(",", kernels)}");
            Assert.True((phase.Depths ?? [4]).ToHashSet().SetEquals(depths), $"{phase.Name} depths {string.Join(",", depths)}");
            Assert.True((phase.Expands ?? [6.0]).ToHashSet().SetEquals(expands), $"{phase.Name} expands {string.Join(",", expands)}");
            Assert.True(TinyShrinking.Resolutions.ToHashSet().SetEquals(resolutions), $"{phase.Name} resolutions");
            Assert.Equal(phase.Name switch { "expand1" => 0, "expand2" => 1, _ => (int?)null }, sampling.ExpandStage);
        }
    }

    [Fact]
    public void SamplingIsAFunctionOfSeedAndStepOnly()
    {
        OfaSearchSpace space = OfaSearchSpace.Default(0.25);
        ShrinkingPhaseConfig phase = TinyShrinking.AllPhases[^1];
        var a = new PhaseSampling(space, phase, seed: 3);
        var b = new PhaseSampling(space, phase, seed: 3);
        Assert.Equal(a.SubnetAt(41, 2, 24), b.SubnetAt(41, 2, 24));
        Assert.NotEqual(a.SubnetAt(41, 1, 24), a.SubnetAt(41, 2, 24));
        Assert.NotEqual(a.SubnetAt(41, 1, 24), new PhaseSampling(space, phase, seed: 4).SubnetAt(41, 1, 24));
    }

    [Fact]
    public void TheSandwichRuleTrainsThePhasesLargestAndSmallestEveryStepAndSamplesTheRestAsBefore()
    {
        OfaSearchSpace space = OfaSearchSpace.Default(0.25);
        ShrinkingPhaseConfig plain = TinyShrinking.AllPhases.Single(p => p.Name == "depth2") with { SubnetsPerStep = 4 };
        ShrinkingPhaseConfig sandwich = plain with { Sandwich = true };
        var uniform = new PhaseSampling(space, plain, seed: 3);
        var rule = new PhaseSampling(space, sandwich, seed: 3);
        for (long step = 0; step < 20; step++)
        {
            int resolution = rule.ResolutionAt(step);
            Assert.Equal(uniform.ResolutionAt(step), resolution);
            // depth2 samples kernels and depths; widths stay at the largest ratio the phase allows.
            double expand = space.ExpandRatios.Max();
            Assert.Equal(SubnetConfig.Uniform(space, resolution, plain.Depths!.Max(), plain.Kernels!.Max(), expand), rule.SubnetAt(step, 0, resolution));
            Assert.Equal(SubnetConfig.Uniform(space, resolution, plain.Depths!.Min(), plain.Kernels!.Min(), expand), rule.SubnetAt(step, 3, resolution));
            for (int i = 1; i < 3; i++) Assert.Equal(uniform.SubnetAt(step, i, resolution), rule.SubnetAt(step, i, resolution));
        }
    }

    [Fact]
    public void TheSandwichRuleNeedsTwoSubnetsPerStep()
    {
        var config = new ProgressiveShrinkingConfig
        {
            Phases = [TinyShrinking.AllPhases.Single(p => p.Name == "kernel") with { SubnetsPerStep = 1, Sandwich = true }],
            StartSupernet = _temp.Path,
        };
        string problem = Assert.Single(config.Problems(OfaSearchSpace.Default(0.25), "progressiveShrinking"));
        Assert.Equal("config: 'progressiveShrinking.phases[0].sandwich' needs 'subnetsPerStep' of at least 2 (the largest and the smallest sub-network each step); got 1", problem);
    }

    [Fact]
    public void TheTeacherGetsNoGradientAndStaysFrozenWhileTheSupernetLearns()
    {
        using var task = KdTask(subnetsPerStep: 2, teacherBn: "batch");
        var teacher = task.ActiveTeacher!.Network;
        var before = teacher.parameters().Select(p => p.detach().clone()).ToList();
        for (long step = 0; step < 2; step++)
        {
            using var scope = NewDisposeScope();
            task.TrainStep(0, step, lr: 0.1);
        }
        Assert.All(teacher.parameters(), p => Assert.Null(p.grad));
        Assert.All(teacher.parameters(), p => Assert.False(p.requires_grad));
        foreach (var (p, b) in teacher.parameters().Zip(before)) Assert.True(p.allclose(b, 0, 0));
        Assert.Contains(task.Supernet.parameters(), p => p.grad is { } g && g.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void GradientsOfTheSampledSubnetworksAreSummed()
    {
        const int n = 3;
        const long step = 17;
        using var task = KdTask(subnetsPerStep: n, teacherBn: "running");
        OfaSupernet supernet = task.Supernet;
        var parameters = supernet.named_parameters().ToList();
        Batch batch = RandomBatch();

        manual_seed(99);
        task.Accumulate(0, step, batch);
        var summed = parameters.ToDictionary(p => p.name, p => Grad(p.parameter));

        // Replay: the same sub-networks one by one, in the same order (the same dropout draws).
        var sampling = new PhaseSampling(task.Space, task.Config.ProgressiveShrinking!.Phases[0], task.Config.Seed);
        int resolution = sampling.ResolutionAt(step);
        Tensor images = OfaInput.Resize(batch.Images, resolution);
        Tensor soft = task.ActiveTeacher!.Probabilities(images);
        var each = new List<Dictionary<string, Tensor>>();
        manual_seed(99);
        for (int i = 0; i < n; i++)
        {
            foreach (var (_, p) in parameters) p.grad?.zero_();
            SubnetConfig config = sampling.SubnetAt(step, i, resolution);
            DistillationLoss.Of(supernet.Forward(images, config), batch.Labels, 0.1, soft, 1.0).backward();
            each.Add(parameters.ToDictionary(p => p.name, p => Grad(p.parameter)));
        }
        foreach (var (name, _) in parameters)
            TensorAssert.Close(each.Select(g => g[name]).Aggregate((a, b) => a.add(b)), summed[name], 1e-6, name);
        // The passes differ, so summing is not the same as any single one.
        Assert.Contains(parameters, p => !each[0][p.name].allclose(summed[p.name], 1e-4, 1e-6));
    }

    [Fact]
    public void WithTeacherResolutionMaxTheTeacherSeesEveryBatchAtTheLargestResolution()
    {
        const long step = 5;
        // BN in batch mode: a freshly initialised teacher in eval mode gives nearly the same output for every input.
        using var task = KdTask(subnetsPerStep: 1, teacherBn: "batch", ProgressiveShrinkingConfig.TeacherAtMaxResolution);
        OfaSupernet supernet = task.Supernet;
        var parameters = supernet.named_parameters().ToList();
        Batch batch = RandomBatch();
        var sampling = new PhaseSampling(task.Space, task.Config.ProgressiveShrinking!.Phases[0], task.Config.Seed);
        int resolution = sampling.ResolutionAt(step);
        Assert.True(resolution < task.Space.Resolutions.Max());   // the phase samples 20 and 24; the space goes to 32

        manual_seed(99);
        task.Accumulate(0, step, batch);
        var actual = parameters.ToDictionary(p => p.name, p => Grad(p.parameter));

        // Replays with the teacher at 32 and at the step's resolution: the first is what the task did.
        Tensor images = OfaInput.Resize(batch.Images, resolution);
        SubnetConfig config = sampling.SubnetAt(step, 0, resolution);
        Dictionary<string, Tensor> Replay(Tensor teacherInput)
        {
            foreach (var (_, p) in parameters) p.grad = null;
            manual_seed(99);
            Tensor soft = task.ActiveTeacher!.Probabilities(teacherInput);
            DistillationLoss.Of(supernet.Forward(images, config), batch.Labels, 0.1, soft, 1.0).backward();
            return parameters.ToDictionary(p => p.name, p => Grad(p.parameter));
        }
        var atMax = Replay(OfaInput.Resize(batch.Images, task.Space.Resolutions.Max()));
        foreach (var (name, _) in parameters) TensorAssert.Close(atMax[name], actual[name], 1e-6, name);
        var atStep = Replay(images);
        Assert.Contains(parameters, p => !atStep[p.name].allclose(actual[p.name], 1e-4, 1e-6));
    }

    [Theory]
    [InlineData(5)]   // inside depth1 (2 steps a phase)
    [InlineData(8)]   // the depth2 / expand1 boundary: the checkpoint holds expand1 prepared (channels sorted)
    public void StoppingAndResumingEqualsAnUninterruptedRun(long stopAt)
    {
        string data = TinyShrinking.WriteData(_temp);
        RunConfig config = TinyShrinking.Config(data);
        var straight = new RunDirectory(_temp.File($"straight-{stopAt}"));
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, straight, NullLogger.Instance).Run(CancellationToken.None));

        var resumed = new RunDirectory(_temp.File($"resumed-{stopAt}"));
        using (var stop = new CancellationTokenSource())
            Assert.Equal(TrainingOutcome.Stopped, new RunTrainer(config, resumed, NullLogger.Instance, new StopAtStep(stopAt, stop)).Run(stop.Token));
        Assert.False(File.Exists(resumed.Supernet));
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, resumed, NullLogger.Instance).Run(CancellationToken.None));

        using LoadedArchive a = TensorArchive.Read(straight.Supernet);
        using LoadedArchive b = TensorArchive.Read(resumed.Supernet);
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        foreach (var (name, tensor) in a.Tensors) TensorAssert.Close(tensor, b[name], 1e-6, name);

        var subnetsA = CsvTable.Read<SubnetRow>(straight.SubnetsCsv);
        var subnetsB = CsvTable.Read<SubnetRow>(resumed.SubnetsCsv);
        Assert.Equal(6 * 3 + 3, subnetsA.Count); // largest, middle, smallest after each phase, then on test
        Assert.Equal(subnetsA.Select(r => (r.Stage, r.Name, r.Arch, r.Split)), subnetsB.Select(r => (r.Stage, r.Name, r.Arch, r.Split)));
        foreach (var (x, y) in subnetsA.Zip(subnetsB)) Assert.Equal(x.Top1, y.Top1, 1e-9);
        Assert.Equal(TinyShrinking.AllPhases.Select(p => p.Name), CsvTable.Read<PhaseRow>(resumed.PhasesCsv).Select(r => r.Stage));
        foreach (string phase in TinyShrinking.AllPhases.Select(p => p.Name)) Assert.True(File.Exists(resumed.PhaseSupernet(phase)), phase);
        foreach (string subnet in new[] { "largest", "middle", "smallest" })
            Assert.True(File.Exists(Path.Combine(resumed.ExportedSubnet(subnet), SubnetExport.ArchFile)), subnet);
    }

    [Fact]
    public void APhaseListCanStartFromAGivenSupernetWithItsTeacher()
    {
        string data = TinyShrinking.WriteData(_temp);
        string start = WriteSupernet(seed: 2);
        RunConfig config = TinyShrinking.Config(data, TinyShrinking.AllPhases.Skip(4).ToList(), start);
        var run = new RunDirectory(_temp.File("from-start"));
        var logger = new ListLogger();
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, run, logger).Run(CancellationToken.None));
        Assert.Contains(logger.Lines, l => l.Contains("Starting from supernet") && l.Contains(start));
        Assert.Contains(logger.Lines, l => l.Contains("Teacher") && l.Contains(start));
        Assert.Contains(logger.Lines, l => l.Contains("expand stage 0"));
        Assert.Equal(["expand1", "expand2"], CsvTable.Read<PhaseRow>(run.PhasesCsv).Select(r => r.Stage));
    }

    [Fact]
    public void ARunCanStartAtALaterPhaseFromTheLargestNetworkTrainedAlone()
    {
        string data = TinyShrinking.WriteData(_temp);
        string alone = WriteLargestRunModel(seed: 3, out StaticOfaNet trained);
        using (trained)
        {
            RunConfig config = TinyShrinking.Config(data, startSupernet: alone);
            config = config with { ProgressiveShrinking = config.ProgressiveShrinking! with { StartPhase = "depth2" } };
            Assert.Empty(config.Problems());

            // At the start the supernet's largest network is the network trained alone, bit for bit.
            NasPrune.Supernet.Runtime.TorchSetup.Configure(1, config.Seed);
            DataSplits splits = DataSource.Load(config.Data);
            var loader = new BatchLoader(splits.Train, config.Training.BatchSize, splits.Normalization, Augmentation.Standard, shuffle: true, dropLast: true, seed: 5);
            using (var task = new ProgressiveShrinkingTask(new TaskContext(config, splits, new RunDirectory(_temp.File("start-task")), CPU, loader, NullLogger.Instance)))
            {
                Assert.Equal(["depth2", "expand1", "expand2"], task.Phases.Select(p => p.Name));
                using var largest = SubnetExtractor.Extract(task.Supernet, SubnetConfig.Largest(task.Space));
                var expected = trained.state_dict();
                foreach (var (name, tensor) in largest.state_dict()) TensorAssert.BitEqual(expected[name], tensor, name);
            }

            // The run trains only the phases from startPhase on, with the same network as its teacher.
            var run = new RunDirectory(_temp.File("from-alone"));
            var logger = new ListLogger();
            Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, run, logger).Run(CancellationToken.None));
            Assert.Contains(logger.Lines, l => l.Contains("Starting from the largest network") && l.Contains(alone));
            Assert.Contains(logger.Lines, l => l.Contains("Teacher") && l.Contains(alone));
            Assert.Equal(["depth2", "expand1", "expand2"], CsvTable.Read<PhaseRow>(run.PhasesCsv).Select(r => r.Stage));
        }
    }

    [Fact]
    public void ALargestNetworkFileMustHoldTheLargestNetworkOfTheRunsSpace()
    {
        OfaSearchSpace space = OfaSearchSpace.Default(0.25);
        string alone = WriteLargestRunModel(seed: 4, out StaticOfaNet trained);
        using (trained)
        {
            using StaticOfaNet read = LargestNetworkFile.Read(alone, space, "progressiveShrinking.teacher");
            var expected = trained.state_dict();
            foreach (var (name, tensor) in read.state_dict()) TensorAssert.BitEqual(expected[name], tensor, name);

            string exported = _temp.File("exported-largest");
            SubnetExport.Write(exported, trained);
            using StaticOfaNet fromExport = LargestNetworkFile.Read(exported, space, "progressiveShrinking.teacher");
            foreach (var (name, tensor) in fromExport.state_dict()) TensorAssert.BitEqual(expected[name], tensor, name);
        }

        // Another width: the arch is the largest, but not of this space.
        var e = Assert.Throws<InvalidDataException>(() => LargestNetworkFile.Read(alone, OfaSearchSpace.Default(0.5), "progressiveShrinking.teacher"));
        Assert.Contains("progressiveShrinking.teacher", e.Message);

        // A smaller network.
        string small = _temp.File("smallest.npta");
        using (var net = new StaticOfaNet(SubnetConfig.Smallest(space)))
            TensorArchive.Write(small, ModuleState.Named(net), new JsonObject { ["arch"] = ModelConfig.SubnetPrefix + SubnetConfig.Smallest(space) });
        e = Assert.Throws<InvalidDataException>(() => LargestNetworkFile.Read(small, space, "progressiveShrinking.startSupernet"));
        Assert.Contains("'progressiveShrinking.startSupernet'", e.Message);
        Assert.Contains("not the largest network", e.Message);

        // Something else entirely.
        string resnet = _temp.File("resnet.npta");
        TensorArchive.Write(resnet, [], new JsonObject { ["arch"] = "resnet20" });
        e = Assert.Throws<InvalidDataException>(() => LargestNetworkFile.Read(resnet, space, "progressiveShrinking.teacher"));
        Assert.Contains("neither a supernet file nor the model of an 'ofa:<arch>' run", e.Message);
    }

    [Fact]
    public void ACheckFindsAStartFileThatIsNotTheLargestNetworkAndWritesNothing()
    {
        string data = TinyShrinking.WriteData(_temp);
        OfaSearchSpace space = OfaSearchSpace.Default(0.25);
        string small = _temp.File("small-start.npta");
        using (var net = new StaticOfaNet(SubnetConfig.Smallest(space)))
            TensorArchive.Write(small, ModuleState.Named(net), new JsonObject { ["arch"] = ModelConfig.SubnetPrefix + SubnetConfig.Smallest(space) });
        RunConfig config = TinyShrinking.Config(data, startSupernet: small);
        config = config with { ProgressiveShrinking = config.ProgressiveShrinking! with { StartPhase = "kernel" } };
        var run = new RunDirectory(_temp.File("checked-ps"));
        var e = Assert.Throws<InvalidDataException>(() => new RunTrainer(config, run, NullLogger.Instance).Check());
        Assert.Contains("'progressiveShrinking.startSupernet'", e.Message);
        Assert.False(Directory.Exists(run.Root));
    }

    /// <summary>A trained-alone largest network as a run writes it (model.npta with its arch); BN statistics perturbed so mistakes show.</summary>
    private string WriteLargestRunModel(long seed, out StaticOfaNet net)
    {
        string path = _temp.File($"alone-{seed}.npta");
        manual_seed(seed);
        SubnetConfig largest = SubnetConfig.Largest(OfaSearchSpace.Default(0.25));
        net = new StaticOfaNet(largest);
        using (no_grad())
            foreach (var (name, tensor) in net.state_dict())
                if (name.EndsWith("running_var", StringComparison.Ordinal)) tensor.uniform_(0.5, 2.0);
                else if (name.EndsWith("running_mean", StringComparison.Ordinal)) tensor.normal_(0, 0.1);
        TensorArchive.Write(path, ModuleState.Named(net), new JsonObject { ["arch"] = ModelConfig.SubnetPrefix + largest });
        return path;
    }

    private ProgressiveShrinkingTask KdTask(int subnetsPerStep, string teacherBn, string teacherResolution = ProgressiveShrinkingConfig.TeacherAtStepResolution)
    {
        string data = TinyShrinking.WriteData(_temp);
        var phase = TinyShrinking.AllPhases[^1] with { SubnetsPerStep = subnetsPerStep };
        RunConfig config = TinyShrinking.Config(data, [phase], WriteSupernet(seed: 1), teacherBn);
        config = config with { ProgressiveShrinking = config.ProgressiveShrinking! with { TeacherResolution = teacherResolution } };
        NasPrune.Supernet.Runtime.TorchSetup.Configure(1, config.Seed);
        DataSplits splits = DataSource.Load(config.Data);
        var loader = new BatchLoader(splits.Train, config.Training.BatchSize, splits.Normalization, Augmentation.Standard, shuffle: true, dropLast: true, seed: 5);
        var task = new ProgressiveShrinkingTask(new TaskContext(config, splits, new RunDirectory(_temp.File("task")), CPU, loader, NullLogger.Instance));
        task.EnterPhase(0, fresh: true);
        return task;
    }

    private string WriteSupernet(long seed)
    {
        string path = _temp.File($"start-{seed}.npta");
        if (File.Exists(path)) return path;
        manual_seed(seed);
        using var supernet = new OfaSupernet(OfaSearchSpace.Default(0.25));
        SupernetFile.Write(path, supernet);
        return path;
    }

    private static Batch RandomBatch()
    {
        manual_seed(7);
        return new Batch(randn(16, 1, 28, 28).DetachFromDisposeScope(), randint(0, 10, [16]).DetachFromDisposeScope(), 16);
    }

    private static Tensor Grad(Tensor parameter) =>
        (parameter.grad is { } g ? g.detach().clone() : zeros_like(parameter)).DetachFromDisposeScope();

    public void Dispose() => _temp.Dispose();
}
