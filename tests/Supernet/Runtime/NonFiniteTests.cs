using NasPrune.Supernet.Runtime;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Runtime;

public sealed class NonFiniteTests
{
    [Fact]
    public void NamesTheFirstFloatingTensorWithANaNOrAnInfinity()
    {
        using Tensor fine = ones(3), counter = tensor(long.MaxValue), nan = tensor(new[] { 1f, float.NaN }), inf = tensor(new[] { double.NegativeInfinity });
        Assert.Null(NonFinite.FirstName([KeyValuePair.Create("fine", fine), KeyValuePair.Create("counter", counter)]));
        Assert.Equal("nan", NonFinite.FirstName([KeyValuePair.Create("fine", fine), KeyValuePair.Create("nan", nan), KeyValuePair.Create("inf", inf)]));
        Assert.Equal("inf", NonFinite.FirstName([KeyValuePair.Create("inf", inf)]));
    }
}
