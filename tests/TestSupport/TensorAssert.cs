using static TorchSharp.torch;

namespace NasPrune.Tests.TestSupport;

public static class TensorAssert
{
    /// <summary>Same dtype, shape and every element identical.</summary>
    public static void BitEqual(Tensor expected, Tensor actual, string? name = null)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        Assert.True(expected.eq(actual).all().item<bool>(), $"{name}: tensors differ");
    }

    /// <summary>Same shape and max |a - b| within <paramref name="tolerance"/>; reports the largest difference.</summary>
    public static void Close(Tensor expected, Tensor actual, double tolerance, string? name = null)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        var expected64 = expected.to(float64);
        double difference = (expected64 - actual.to(float64)).abs().max().item<double>();
        Assert.True(difference <= tolerance, $"{name}: max |difference| {difference:E3} > {tolerance:E1} (max |expected| {expected64.abs().max().item<double>():E3})");
    }
}
