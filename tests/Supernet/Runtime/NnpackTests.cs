using NasPrune.Supernet.Runtime;

namespace NasPrune.Tests.Supernet.Runtime;

public sealed class NnpackTests
{
    [Fact]
    public void TorchSetupTurnsNnpackOffInLibtorch()
    {
        TorchSetup.Configure(threads: 0, seed: 0);
        // null would mean the switch was not found in libtorch_cpu; libtorch's default is on.
        Assert.Equal(false, Nnpack.Enabled);
    }
}
