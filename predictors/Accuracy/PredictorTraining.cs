using NasPrune.LatencyTables.Statistics;
using NasPrune.Predictors.Encoding;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Randomness;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Predictors.Accuracy;

/// <summary>How the accuracy predictor is fitted (design note search.md; the reference publishes no training loop).</summary>
public sealed record PredictorTrainingOptions
{
    public long Seed { get; init; }
    public double HeldOutShare { get; init; } = 0.2;
    /// <summary>Share of the training rows set aside to decide early stopping.</summary>
    public double EarlyStopShare { get; init; } = 0.1;
    public int BatchSize { get; init; } = 256;
    public double Lr { get; init; } = 1e-3;
    public int MaxEpochs { get; init; } = 2000;
    public int Patience { get; init; } = 100;
}

/// <summary>Held-out quality of a fitted predictor: RMSE in accuracy points and Kendall's tau.</summary>
public sealed record PredictorReport(int TrainRows, int EarlyStopRows, int HeldOutRows, int Epochs, double HeldOutRmse, double HeldOutKendall,
    IReadOnlyList<(string Arch, double Measured, double Predicted)> HeldOut);

/// <summary>
/// Fits <see cref="AccuracyMlp"/> by MSE with Adam on a seeded 80/20 split (train / held out), keeping
/// the weights of the epoch with the lowest error on a slice of the training rows.
/// </summary>
public static class PredictorTraining
{
    public static (AccuracyPredictor Predictor, PredictorReport Report) Fit(OfaSearchSpace space, IReadOnlyList<(SubnetConfig Config, double Accuracy)> samples,
        PredictorTrainingOptions options)
    {
        if (samples.Count < 10) throw new ArgumentException($"predictor: needs at least 10 measured sub-networks, got {samples.Count}");
        var encoding = new ArchitectureEncoding(space);
        int[] order = Shuffle(samples.Count, (ulong)options.Seed);
        int heldOut = Math.Max(1, (int)Math.Round(samples.Count * options.HeldOutShare));
        int earlyStop = Math.Max(1, (int)Math.Round((samples.Count - heldOut) * options.EarlyStopShare));
        var test = order.Take(heldOut).Select(i => samples[i]).ToList();
        var stop = order.Skip(heldOut).Take(earlyStop).Select(i => samples[i]).ToList();
        var train = order.Skip(heldOut + earlyStop).Select(i => samples[i]).ToList();

        manual_seed(options.Seed);
        var net = new AccuracyMlp(encoding.Length, train.Average(s => s.Accuracy));
        using var optimizer = optim.Adam(net.parameters(), options.Lr);
        using Tensor x = Encode(encoding, train);
        using Tensor y = tensor(train.Select(s => (float)s.Accuracy).ToArray());
        using Tensor stopX = Encode(encoding, stop);
        using Tensor stopY = tensor(stop.Select(s => (float)s.Accuracy).ToArray());
        var best = (Error: double.MaxValue, Epoch: 0, State: new Dictionary<string, Tensor>());
        int epoch = 0;
        for (; epoch < options.MaxEpochs && epoch - best.Epoch <= options.Patience; epoch++)
        {
            net.train();
            int[] batchOrder = Shuffle(train.Count, SplitMix64.Mix((ulong)options.Seed, (ulong)epoch));
            for (int start = 0; start < train.Count; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                Tensor index = tensor(batchOrder.Skip(start).Take(options.BatchSize).Select(i => (long)i).ToArray());
                optimizer.zero_grad();
                F.mse_loss(net.call(x.index_select(0, index)), y.index_select(0, index)).backward();
                optimizer.step();
            }
            double error = Rmse(net, stopX, stopY);
            if (error < best.Error)
            {
                foreach (Tensor t in best.State.Values) t.Dispose();
                best = (error, epoch, net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope()));
            }
        }
        using (no_grad())
            foreach (var (name, value) in net.state_dict()) value.copy_(best.State[name]);
        foreach (Tensor t in best.State.Values) t.Dispose();

        var predictor = new AccuracyPredictor(encoding, net);
        double[] predicted = predictor.Predict(test.Select(s => s.Config).ToList());
        double[] measured = test.Select(s => s.Accuracy).ToArray();
        double rmse = Math.Sqrt(predicted.Zip(measured, (p, m) => (p - m) * (p - m)).Average());
        double tau = test.Count >= 2 ? RankCorrelation.KendallTauB(predicted, measured) : double.NaN;
        var rows = test.Select((s, i) => (s.Config.ToString(), s.Accuracy, predicted[i])).ToList();
        return (predictor, new PredictorReport(train.Count, stop.Count, test.Count, epoch, rmse, tau, rows));
    }

    private static Tensor Encode(ArchitectureEncoding encoding, IReadOnlyList<(SubnetConfig Config, double Accuracy)> rows) =>
        tensor(encoding.EncodeAll(rows.Select(r => r.Config).ToList()), [rows.Count, encoding.Length]);

    private static double Rmse(AccuracyMlp net, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        net.eval();
        return Math.Sqrt(F.mse_loss(net.call(x), y).item<float>());
    }

    private static int[] Shuffle(int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        int[] order = Enumerable.Range(0, count).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
