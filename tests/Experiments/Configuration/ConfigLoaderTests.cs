using System.ComponentModel.DataAnnotations;
using NasPrune.Experiments.Configuration;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;

namespace NasPrune.Tests.Experiments.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public enum Mode { Fast, Careful }

    public sealed record Item
    {
        [Range(1, 10)]
        public int Epochs { get; init; } = 1;
        public string Name { get; init; } = "";
    }

    public sealed record Sample
    {
        public Mode Mode { get; init; } = Mode.Fast;
        public double? Optional { get; init; }
        public IReadOnlyList<Item> Items { get; init; } = [];
        public IReadOnlyList<int> Numbers { get; init; } = [1, 2];
    }

    [Fact]
    public void BindsNestedListsEnumsAndKeepsDefaults()
    {
        var s = ConfigLoader.LoadFromJson<Sample>("""{ "mode": "CAREFUL", "items": [ { "epochs": 3 }, { "name": "b" } ] }""");
        Assert.Equal(Mode.Careful, s.Mode);
        Assert.Null(s.Optional);
        Assert.Equal([3, 1], s.Items.Select(i => i.Epochs));
        Assert.Equal("b", s.Items[1].Name);
        Assert.Equal([1, 2], s.Numbers);
    }

    [Fact]
    public void TheShippedConfigsAreValid()
    {
        string configs = Path.Combine(AppContext.BaseDirectory, "configs");
        string[] files = Directory.GetFiles(configs, "*.json");
        Assert.Contains(files, f => f.EndsWith("fmnist-ofa-ps.json", StringComparison.Ordinal));
        // A config that continues another run names that run's files, which the queue passes through the
        // environment; here they point at a file that exists (a test-only prefix, so other tests see nothing).
        const string prefix = "NASPRUNE_TEST_SHIPPED_";
        string existing = _temp.File("start.npta");
        File.WriteAllText(existing, "");
        string[] runFiles = ["progressiveShrinking__startSupernet", "progressiveShrinking__teacher"];
        foreach (string file in files)
        {
            bool continues = File.ReadAllText(file).Contains("\"startSupernet\"", StringComparison.Ordinal);
            using var environment = new TemporaryEnvironment(continues ? runFiles.Select(f => (prefix + f, (string?)existing)).ToArray() : []);
            RunConfig config = ConfigLoader.Load<RunConfig>(file, environmentPrefix: continues ? prefix : null);
            Assert.True(config.Model.IsSupernet == (config.ProgressiveShrinking is not null), file);
            // The run stores it as config.json, which resume and eval read back: it must be the same config.
            string stored = _temp.File(Path.GetFileName(file));
            File.WriteAllText(stored, RunConfigJson.Serialize(config));
            Assert.Null(RunConfigJson.FirstDifference(config, ConfigLoader.Load<RunConfig>(stored, environmentPrefix: null)));
        }
    }

    [Theory]
    [InlineData("""{ "training": { "epocs": 3 } }""", "unknown field 'training.epocs'", "allowed fields of 'training'", "epochs")]
    [InlineData("""{ "training": { "epochs": "ten" } }""", "'training.epochs' must be an integer", "ten")]
    [InlineData("""{ "training": { "epochs": 0 } }""", "'training.epochs' must be in [1, 100000], got 0")]
    [InlineData("""{ "data": { "dataset": "mnist" } }""", "'data.dataset' must be one of: fashion-mnist, cifar10", "mnist")]
    [InlineData("""{ "data": { "augment": "maybe" } }""", "'data.augment' must be true or false")]
    [InlineData("""{ "model": 3 }""", "'model' must be an object")]
    [InlineData("""{ "model": { "arch": "ofa-supernet" } }""", "'progressiveShrinking' is required")]
    [InlineData("""{ "model": { "arch": "ofa:r99-k33.33.33.33.33-e33.33.33.33.33" } }""", "'model.arch'", "resolution")]
    [InlineData("""{ "model": { "arch": "ofa-supernet" }, "progressiveShrinking": { "phases": [ { "name": "teacher" }, { "name": "kernel", "kernels": [3, 9] } ] } }""",
        "'progressiveShrinking.phases[1].kernels' value 9", "allowed: 3, 5, 7")]
    [InlineData("""{ "model": { "arch": "ofa-supernet" }, "progressiveShrinking": { "phases": [ { "name": "kernel" }, { "name": "teacher" } ] } }""",
        "'progressiveShrinking.phases[1].name' must come after 'kernel'")]
    [InlineData("""{ "model": { "arch": "ofa-supernet" }, "progressiveShrinking": { "phases": [ { "name": "teacher", "depths": [2, 4] } ] } }""",
        "'progressiveShrinking.phases[0]': the teacher phase trains the largest network alone")]
    [InlineData("""{ "model": { "arch": "ofa-supernet" }, "progressiveShrinking": { "phases": [ { "name": "depth2" } ] } }""",
        "'progressiveShrinking.startSupernet' is required")]
    [InlineData("""{ "model": { "arch": "ofa-supernet" }, "progressiveShrinking": { "startPhase": "depth", "phases": [ { "name": "teacher" }, { "name": "kernel" } ] } }""",
        "'progressiveShrinking.startPhase' must name one of the listed phases; allowed: teacher, kernel; got 'depth'")]
    [InlineData("""{ "model": { "arch": "ofa-supernet" }, "progressiveShrinking": { "startPhase": "kernel", "phases": [ { "name": "teacher" }, { "name": "kernel" } ] } }""",
        "'progressiveShrinking.startSupernet' is required when the run does not begin with the 'teacher' phase")]
    [InlineData("""{ "model": { "arch": "ofa-supernet" }, "progressiveShrinking": { "phases": [ { "name": "teacher", "subnetsPerStep": 0 } ] } }""",
        "'progressiveShrinking.phases[0].subnetsPerStep' must be in [1, 64]")]
    [InlineData("""{ "model": { "arch": "ofa-supernet" }, "progressiveShrinking": { "teacherResolution": "min", "phases": [ { "name": "teacher" } ] } }""",
        "'progressiveShrinking.teacherResolution' must be one of: step, max")]
    [InlineData("""{ "model": { "arch": "ofa-supernet" }, "progressiveShrinking": { "teacherBn": "frozen", "phases": [ { "name": "teacher" } ] } }""",
        "'progressiveShrinking.teacherBn' must be one of: batch, running")]
    public void BadValuesGiveOneLineNamingTheField(string json, params string[] expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFromJson<RunConfig>(json));
        Assert.DoesNotContain('\n', e.Message);
        foreach (string part in expected) Assert.Contains(part, e.Message);
    }

    [Fact]
    public void ARunsStoredConfigGivenBackAsItsConfigIsTheSameRun()
    {
        // Unset optional fields are stored as null; the loader reads a JSON null as an empty string.
        RunConfig original = ConfigLoader.Load<RunConfig>(Path.Combine(AppContext.BaseDirectory, "configs", "fmnist-tas-resnet20.json"), environmentPrefix: null);
        Assert.Null(original.Data.Root);
        string stored = _temp.File("config.json");
        File.WriteAllText(stored, RunConfigJson.Serialize(original));
        RunConfig reloaded = ConfigLoader.Load<RunConfig>(stored, environmentPrefix: null);
        Assert.Null(RunConfigJson.FirstDifference(original, reloaded));
        // A real difference is still one.
        Assert.Equal("data.root: null then, \"/data\" now",
            RunConfigJson.FirstDifference(original, reloaded with { Data = reloaded.Data with { Root = "/data" } }));
    }

    [Fact]
    public void EnumErrorsListTheNames()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFromJson<Sample>("""{ "mode": "slow" }"""));
        Assert.Contains("one of: fast, careful", e.Message);
    }

    [Fact]
    public void MalformedJsonNamesTheLine()
    {
        string path = _temp.File("bad.json");
        File.WriteAllText(path, "{\n  \"seed\": 1,\n  \"name\": \n}");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load<RunConfig>(path));
        Assert.Contains("line 4", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load<RunConfig>(_temp.File("none.json")));
        Assert.Contains("none.json", e.Message);
    }

    [Fact]
    public void EnvironmentOverridesTheFile()
    {
        string path = _temp.File("c.json");
        File.WriteAllText(path, """{ "training": { "epochs": 3 } }""");
        const string variable = "NASPRUNE_TEST_OVERRIDE_training__epochs";
        using var environment = new TemporaryEnvironment((variable, "7"));
        Assert.Equal(7, ConfigLoader.Load<RunConfig>(path, "NASPRUNE_TEST_OVERRIDE_").Training.Epochs);
        environment.Set(variable, "0");
        Assert.Contains("training.epochs", Assert.Throws<ConfigException>(() => ConfigLoader.Load<RunConfig>(path, "NASPRUNE_TEST_OVERRIDE_")).Message);
    }

    [Theory]
    [InlineData("DATA", "/some/folder", "4")] // the data folder
    [InlineData("MALLOC", "default", "5")] // NativeAllocator's setting
    public void AVariableOfAnotherSettingIsNotTakenForAConfigField(string name, string value, string epochs)
    {
        // These share the override prefix; under a test prefix so parallel tests are not disturbed.
        string path = _temp.File($"{name}.json");
        File.WriteAllText(path, """{ "training": { "epochs": 3 } }""");
        string prefix = $"NASPRUNE_TEST_{name}_VARIABLE_";
        using var environment = new TemporaryEnvironment((prefix + name, value), (prefix + "training__epochs", epochs));
        Assert.Equal(int.Parse(epochs), ConfigLoader.Load<RunConfig>(path, prefix).Training.Epochs);
    }

    public void Dispose() => _temp.Dispose();
}
