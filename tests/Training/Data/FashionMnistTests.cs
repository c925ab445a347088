using NasPrune.Tests.TestSupport;
using NasPrune.Training.Data;

namespace NasPrune.Tests.Training.Data;

public sealed class FashionMnistTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void ValidationIsTheLastImagesOfTheTrainingFiles()
    {
        string root = _temp.File("fm");
        SyntheticFashionMnist.Write(root, trainCount: 50, testCount: 20);
        var (allPixels, _, _, _) = IdxReader.ReadImages(Path.Combine(root, "train-images-idx3-ubyte.gz"));

        DataSplits splits = FashionMnist.Load(root, validationSize: 15);
        Assert.Equal((35, 15, 20), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        Assert.Equal(allPixels.AsSpan(35 * 784, 784).ToArray(), splits.Validation.Image(0).ToArray());
        Assert.Equal(allPixels.AsSpan(0, 784).ToArray(), splits.Train.Image(0).ToArray());
        Assert.Equal(35 % 10, splits.Validation.Label(0));

        DataSplits subset = FashionMnist.Load(root, validationSize: 15, trainSubset: 10);
        Assert.Equal((10, 15), (subset.Train.Count, subset.Validation.Count));
    }

    [Fact]
    public void CountMismatchNamesBothFiles()
    {
        string root = _temp.File("fm");
        SyntheticFashionMnist.Write(root, 30, 10);
        SyntheticFashionMnist.WriteIdx(Path.Combine(root, "train-labels-idx1-ubyte.gz"), 0x801, [29], new byte[29]);
        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(root, 5));
        IdxReaderTests.AssertOneLine(e, "train-images", "train-labels", "30", "29");
    }

    [Fact]
    public void MissingRootSaysHowToInstallTheData()
    {
        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(_temp.File("absent")));
        IdxReaderTests.AssertOneLine(e, "absent", "apt-get install dataset-fashion-mnist");
    }

    [Fact]
    public void RootComesFromConfigThenEnvironmentThenDebian()
    {
        using var environment = new TemporaryEnvironment((FashionMnist.EnvironmentVariable, "/from/env"));
        Assert.Equal("/from/config", FashionMnist.ResolveRoot("/from/config"));
        Assert.Equal("/from/env", FashionMnist.ResolveRoot(null));
        environment.Set(FashionMnist.EnvironmentVariable, null);
        Assert.Equal(FashionMnist.DebianRoot, FashionMnist.ResolveRoot(""));
    }

    [Fact]
    public void ProbeReportsFoundAndMissingFiles()
    {
        string root = _temp.File("fm");
        SyntheticFashionMnist.Write(root, 12, 4);
        File.Delete(Path.Combine(root, "t10k-labels-idx1-ubyte.gz"));
        var files = FashionMnist.Probe(root);
        Assert.Equal(12, files.Single(f => f.File == "train-images-idx3-ubyte").Items);
        Assert.Null(files.Single(f => f.File == "t10k-labels-idx1-ubyte").Path);
    }

    public void Dispose() => _temp.Dispose();
}
