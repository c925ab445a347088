using System.Diagnostics;
using NasPrune.LatencyTables.Measurement;
using NasPrune.LatencyTables.Operators;
using NasPrune.LatencyTables.Tables;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.LatencyTables.Checks;

/// <summary>
/// Where a network's time goes, part by part, inside the running network, beside what the table says each
/// part costs alone. A table times every operator on its own, on a repeated input; in a network each part
/// runs on what the previous one just wrote. A search exploits whichever operators the table under-prices,
/// so this is how to find them: the parts whose <see cref="InSituRow.Ratio"/> stands out.
/// </summary>
public static class InSituProfile
{
    public const string ResizeKey = "input-resize";

    /// <summary>Profiles <paramref name="net"/> (not disposed) with the table's profile; rows in execution order, the input resize first.</summary>
    public static IReadOnlyList<InSituRow> Run(LatencyTable table, StaticOfaNet net)
    {
        var profile = table.Metadata.Profile;
        IReadOnlyList<LatencyOperator> ops = LatencyOperators.Of(net.Config);
        using var bench = new PartTimingBench(net, profile.BatchSize, table.Metadata.ImageSize, new Device(profile.Device));
        if (bench.PartCount != ops.Count + 1)
            throw new InvalidOperationException($"network has {bench.PartCount - 1} timed parts, the table keys {ops.Count} operators");
        LatencySample whole = NetworkLatency.Measure(table, bench);
        double[] medians = bench.MedianMs();
        double total = medians.Sum();
        double scale = table.Metadata.Calibration.OperatorScale;
        string arch = net.Config.ToString();
        return medians.Select((ms, i) =>
        {
            double inSitu = whole.MedianMs * ms / total;
            double? alone = i == 0 ? null : table.Median(ops[i - 1]);
            return new InSituRow
            {
                Arch = arch,
                Index = i,
                Key = i == 0 ? ResizeKey : ops[i - 1].Key,
                TableMs = alone is double a ? Math.Round(a, 5) : null,
                TableScaledMs = alone is double b ? Math.Round(b * scale, 5) : null,
                InSituMs = Math.Round(inSitu, 5),
                InSituRawMs = Math.Round(ms, 5),
                Ratio = alone is double c && c > 0 ? Math.Round(inSitu / (c * scale), 4) : null,
            };
        }).ToList();
    }

    /// <summary>The network as <see cref="NetworkBench"/> runs it, with each part's time recorded on every pass.</summary>
    private sealed class PartTimingBench : IBench
    {
        private readonly IReadOnlyList<Func<Tensor, Tensor>> _parts;
        private readonly List<double>[] _seconds;
        private readonly Tensor _input;
        private readonly int _resolution;

        public PartTimingBench(StaticOfaNet net, int batch, int imageSize, Device device)
        {
            net.to(device);
            net.eval();
            _parts = net.Parts();
            _seconds = Enumerable.Range(0, _parts.Count + 1).Select(_ => new List<double>()).ToArray();
            _resolution = net.Config.Resolution;
            _input = randn(batch, net.Config.Space.InputChannels, imageSize, imageSize, device: device).DetachFromDisposeScope();
        }

        public int PartCount => _seconds.Length;

        public Tensor Forward()
        {
            long start = Stopwatch.GetTimestamp();
            Tensor x = OfaInput.Resize(_input, _resolution);
            Record(0, ref start, x);
            for (int i = 0; i < _parts.Count; i++)
            {
                x = _parts[i](x);
                Record(i + 1, ref start, x);
            }
            return x;
        }

        /// <summary>Per part, the median of its timings over every pass (warm-up included: a few of hundreds).</summary>
        public double[] MedianMs() => _seconds.Select(s => LatencySample.FromSeconds(s).MedianMs).ToArray();

        private void Record(int part, ref long start, Tensor done)
        {
            if (done.device_type != DeviceType.CPU) done.flatten()[0].item<float>(); // asynchronous devices: wait for the part
            long now = Stopwatch.GetTimestamp();
            _seconds[part].Add(Stopwatch.GetElapsedTime(start, now).TotalSeconds);
            start = now;
        }

        public void Dispose() => _input.Dispose();
    }
}
