using NasPrune.Supernet.Randomness;

namespace NasPrune.Search.Tuning;

/// <summary>
/// Tree-structured Parzen estimator (Bergstra et al. 2011; Optuna's univariate TPE): after
/// <c>startupTrials</c> random trials, the finished trials are ranked (completed ones by value, then
/// pruned ones, as Optuna does: those that got further first, then by their last reported value) and
/// split into the best gamma(n) = min(ceil(0.1 n), 25) and the rest. Pruned trials must count: left out,
/// the estimator never learns that their region is bad and keeps proposing it (seen in a real study:
/// 16 of 30 trials spent there); each group's values of the parameter become a Parzen estimator
/// (a truncated Gaussian per observation plus a wide prior, bandwidth from the neighbours' distances,
/// clipped); <c>candidates</c> draws from the good estimator l are scored by l(x) / g(x) and the best
/// is proposed. Categorical parameters use smoothed counts. Each (trial, parameter) has its own seed.
/// </summary>
public sealed class TpeSampler(ulong seed, int startupTrials = 10, int candidates = 24) : ISampler
{
    public double Sample(IReadOnlyList<FrozenTrial> history, StudyDirection direction, int trial, string name, Distribution distribution)
    {
        var random = new SplitMix64(SplitMix64.Mix(seed, (ulong)trial, RandomSampler.StableHash(name), 0x7BE));
        var complete = history.Where(t => t.State == TrialState.Complete && t.Value is not null && t.Params.ContainsKey(name)).ToList();
        var pruned = history.Where(t => t.State == TrialState.Pruned && t.Last is not null && t.Params.ContainsKey(name)).ToList();
        if (complete.Count + pruned.Count < startupTrials) return RandomSampler.Draw(random, distribution);
        double sign = direction == StudyDirection.Minimize ? 1 : -1; // ascending sign * value = best first
        var ordered = complete.OrderBy(t => sign * t.Value!.Value)
            .Concat(pruned.OrderByDescending(t => t.Last!.Value.Step).ThenBy(t => sign * t.Last!.Value.Value)).ToList();
        int good = Math.Min((int)Math.Ceiling(0.1 * ordered.Count), 25);
        double[] below = ordered.Take(good).Select(t => distribution.ToInternal(t.Params[name])).ToArray();
        double[] above = ordered.Skip(good).Select(t => distribution.ToInternal(t.Params[name])).ToArray();
        return distribution is CategoricalDistribution categorical
            ? SampleCategorical(random, categorical.Choices.Count, below, above)
            : distribution.FromInternal(SampleNumeric(random, RandomSampler.Low(distribution), RandomSampler.High(distribution), below, above));
    }

    private double SampleCategorical(SplitMix64 random, int count, double[] below, double[] above)
    {
        double[] l = Weights(count, below), g = Weights(count, above);
        double best = 0, bestScore = double.NegativeInfinity;
        for (int i = 0; i < candidates; i++)
        {
            double u = random.NextDouble(), cumulative = 0;
            int choice = count - 1;
            for (int c = 0; c < count; c++)
                if ((cumulative += l[c]) >= u) { choice = c; break; }
            double score = Math.Log(l[choice]) - Math.Log(g[choice]);
            if (score > bestScore) (best, bestScore) = (choice, score);
        }
        return best;
    }

    /// <summary>Counts plus a prior of one observation spread evenly, normalised.</summary>
    private static double[] Weights(int count, double[] observations)
    {
        var w = Enumerable.Repeat(1.0 / count, count).ToArray();
        foreach (double o in observations) w[(int)o] += 1;
        double sum = w.Sum();
        return w.Select(v => v / sum).ToArray();
    }

    private double SampleNumeric(SplitMix64 random, double low, double high, double[] below, double[] above)
    {
        var l = new Parzen(below, low, high);
        var g = new Parzen(above, low, high);
        double best = l.Sample(random), bestScore = double.NegativeInfinity;
        for (int i = 0; i < candidates; i++)
        {
            double x = i == 0 ? best : l.Sample(random);
            double score = l.LogPdf(x) - g.LogPdf(x);
            if (score > bestScore) (best, bestScore) = (x, score);
        }
        return best;
    }

    /// <summary>An equally weighted mixture of Gaussians truncated to [low, high]: one per observation and a prior at the centre.</summary>
    private sealed class Parzen
    {
        private readonly double[] _mu;
        private readonly double[] _sigma;
        private readonly double _low, _high;

        public Parzen(double[] observations, double low, double high)
        {
            (_low, _high) = (low, high);
            double range = high - low;
            var points = observations.Append((low + high) / 2).Order().ToArray();
            _mu = points;
            _sigma = new double[points.Length];
            double minimum = range / Math.Min(100.0, 1 + points.Length);
            for (int i = 0; i < points.Length; i++)
            {
                double left = i > 0 ? points[i] - points[i - 1] : points[i] - low;
                double right = i < points.Length - 1 ? points[i + 1] - points[i] : high - points[i];
                _sigma[i] = Math.Clamp(Math.Max(left, right), minimum, range);
            }
            int prior = Array.IndexOf(points, (low + high) / 2);
            if (prior >= 0) _sigma[prior] = range; // the prior is wide
        }

        public double Sample(SplitMix64 random)
        {
            int k = random.NextInt(_mu.Length);
            for (int attempt = 0; attempt < 100; attempt++)
            {
                double x = _mu[k] + _sigma[k] * Gaussian(random);
                if (x >= _low && x <= _high) return x;
            }
            return Math.Clamp(_mu[k], _low, _high);
        }

        public double LogPdf(double x)
        {
            double sum = 0;
            for (int k = 0; k < _mu.Length; k++)
            {
                double mass = Phi((_high - _mu[k]) / _sigma[k]) - Phi((_low - _mu[k]) / _sigma[k]);
                double z = (x - _mu[k]) / _sigma[k];
                sum += Math.Exp(-0.5 * z * z) / (_sigma[k] * Math.Sqrt(2 * Math.PI)) / Math.Max(mass, 1e-12);
            }
            return Math.Log(Math.Max(sum / _mu.Length, 1e-300));
        }

        private static double Gaussian(SplitMix64 random)
        {
            double u1 = Math.Max(random.NextDouble(), 1e-300), u2 = random.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        /// <summary>Standard normal CDF (Abramowitz-Stegun 7.1.26 erf approximation, |error| &lt; 1.5e-7).</summary>
        private static double Phi(double z)
        {
            double x = Math.Abs(z) / Math.Sqrt(2), t = 1 / (1 + 0.3275911 * x);
            double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
            return 0.5 * (1 + Math.Sign(z) * erf);
        }
    }
}
