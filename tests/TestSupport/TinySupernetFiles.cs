using NasPrune.Supernet.Ofa;
using NasPrune.Tests.Supernet.Ofa;

namespace NasPrune.Tests.TestSupport;

/// <summary>A tiny supernet file and a synthetic Fashion-MNIST folder, for tests that run the real nasprune process.</summary>
public static class TinySupernetFiles
{
    public static (string Supernet, string Data) Write(TempFolder temp, long seed)
    {
        string data = temp.File("data");
        SyntheticFashionMnist.Write(data, 10_050, 20); // the 10,000 validation images and 50 to train on
        string supernet = temp.File("supernet.npta");
        using var net = ExtractionTests.Perturbed(seed);
        SupernetFile.Write(supernet, net);
        return (supernet, data);
    }
}
