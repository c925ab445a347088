using NasPrune.Supernet.Serialization;
using NasPrune.Tests.TestSupport;

namespace NasPrune.Tests.Supernet.Serialization;

public sealed class CsvAppenderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public sealed record Row
    {
        public string Name { get; init; } = "";
        public double Value { get; init; }
    }

    [Fact]
    public void ARowCutShortByAKillIsDroppedBeforeReadingAndAppending()
    {
        string path = _temp.File("rows.csv");
        using (var appender = new CsvAppender<Row>(path))
        {
            appender.Write(new Row { Name = "a", Value = 1.5 });
            appender.Write(new Row { Name = "b", Value = 2.5 });
        }
        File.AppendAllText(path, "c,3.2"); // a kill in the middle of the third row's write

        Assert.Equal(["a", "b"], CsvTable.ReadForAppend<Row>(path).Select(r => r.Name));
        using (var appender = new CsvAppender<Row>(path)) appender.Write(new Row { Name = "c", Value = 3.25 });
        Assert.Equal([new Row { Name = "a", Value = 1.5 }, new Row { Name = "b", Value = 2.5 }, new Row { Name = "c", Value = 3.25 }],
            CsvTable.Read<Row>(path));
    }

    [Fact]
    public void AHeaderCutShortIsRewrittenWhole()
    {
        string path = _temp.File("header.csv");
        File.WriteAllText(path, "Na");
        using (var appender = new CsvAppender<Row>(path)) appender.Write(new Row { Name = "x", Value = 1 });
        Assert.Equal("Name,Value\nx,1\n", File.ReadAllText(path).ReplaceLineEndings("\n"));
    }

    public void Dispose() => _temp.Dispose();
}
