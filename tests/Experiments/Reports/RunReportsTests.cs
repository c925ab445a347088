using NasPrune.Experiments.Reports;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Runs;

namespace NasPrune.Tests.Experiments.Reports;

public sealed class RunReportsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private RunDirectory RunWithMetrics(bool memory)
    {
        var run = new RunDirectory(_temp.File(memory ? "with-memory" : "without-memory"));
        Directory.CreateDirectory(run.Root);
        using var log = new MetricsLog(run.Metrics, resumeStep: 0);
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            string stage = epoch < 3 ? "teacher" : "kernel";
            log.Write(new MetricsRow { Epoch = epoch, Step = epoch * 10 - 5, Stage = stage, Phase = "train", Top1 = 50 + epoch, Loss = 1.0 / epoch });
            log.Write(new MetricsRow { Epoch = epoch, Step = epoch * 10, Stage = stage, Phase = "val", Top1 = 60 + epoch, Loss = 1.0 / epoch, RssMb = memory ? 1000 + epoch : 0 });
        }
        return run;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheCurvesAreAlwaysDrawnAndTheMemoryPictureWhenTheRunRecordedMemory(bool memory)
    {
        RunDirectory run = RunWithMetrics(memory);

        new RunReports("test").WriteAll(run);

        Assert.True(new FileInfo(Path.Combine(run.Root, TrainingCurvesPlot.FileName)).Length > 1000);
        Assert.Equal(memory, File.Exists(Path.Combine(run.Root, MemoryPlot.FileName)));
    }

    public void Dispose() => _temp.Dispose();
}
