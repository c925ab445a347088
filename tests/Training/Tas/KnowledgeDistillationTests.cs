using NasPrune.Training.Tas;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training.Tas;

public sealed class KnowledgeDistillationTests
{
    [Fact]
    public void TheLossIsCrossEntropyPlusTemperatureScaledKl()
    {
        double[] s = [2.0, 0.5, -1.0], t = [0.1, 1.5, 0.3];
        const double alpha = 0.9, temperature = 4;
        double[] Softmax(double[] z, double tau) { var e = z.Select(v => Math.Exp(v / tau)).ToArray(); return e.Select(v => v / e.Sum()).ToArray(); }
        double[] p = Softmax(t, temperature), q = Softmax(s, temperature), plain = Softmax(s, 1);
        double kl = p.Zip(q, (a, b) => a * Math.Log(a / b)).Sum();
        double expected = (1 - alpha) * -Math.Log(plain[1]) + alpha * temperature * temperature * kl;
        Tensor loss = KnowledgeDistillation.Loss(tensor(s).reshape(1, 3), tensor(t).reshape(1, 3), tensor(new long[] { 1 }), alpha, temperature);
        Assert.Equal(expected, loss.item<double>(), 9);
        // A student equal to its teacher pays only the cross-entropy part.
        Tensor same = KnowledgeDistillation.Loss(tensor(t).reshape(1, 3), tensor(t).reshape(1, 3), tensor(new long[] { 1 }), alpha, temperature);
        Assert.Equal((1 - alpha) * -Math.Log(Softmax(t, 1)[1]), same.item<double>(), 9);
    }
}
