using Microsoft.Extensions.Logging.Abstractions;
using NasPrune.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.TestSupport;

/// <summary>A finished run reopened the way <c>nasprune eval --run-dir</c> and <c>bench sparse --run-dir</c> open it.</summary>
public static class ReopenedRun
{
    /// <summary>Asserts the reopened run's network is <paramref name="expected"/>: the weights come from model.npta, and the outputs on a random 28 x 28 batch are bit-equal.</summary>
    public static void ComputesAs(nn.Module<Tensor, Tensor> expected, RunDirectory run, int inChannels = 1)
    {
        var (_, reopened, _) = TrainedRun.Open(run, CPU, NullLogger.Instance, out string source);
        Assert.Equal(run.Model, source);
        using (reopened.Module)
        using (var scope = NewDisposeScope())
        {
            expected.eval();
            reopened.Module.eval();
            Tensor x = randn(3, inChannels, 28, 28, generator: new Generator(5));
            TensorAssert.BitEqual(expected.call(x), reopened.Module.call(x), "reopened vs file");
        }
    }
}
