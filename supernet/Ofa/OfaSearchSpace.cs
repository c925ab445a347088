using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NasPrune.Supernet.Ofa;

/// <summary>
/// An once-for-all MobileNetV3-style search space, as data (../shared/design/ofa.md). Every number is
/// a value of the definition, read from JSON; <c>ofa-mbv3-small</c> is the built-in default. Channel
/// counts here are before the width multiplier; the <c>*Width</c> members apply it (make_divisible).
/// </summary>
public sealed record OfaSearchSpace
{
    public const string DefaultName = "ofa-mbv3-small";

    public string Name { get; init; } = DefaultName;
    public int InputChannels { get; init; } = 1;
    public int Classes { get; init; } = 10;
    public double WidthMultiplier { get; init; } = 1.0;
    public IReadOnlyList<int> Resolutions { get; init; } = [20, 24, 28, 32];
    public int StemChannels { get; init; } = 16;
    public int FirstBlockChannels { get; init; } = 16;
    public IReadOnlyList<StageSpec> Stages { get; init; } = [];
    public int BlocksPerStage { get; init; } = 4;
    public IReadOnlyList<int> Kernels { get; init; } = [3, 5, 7];
    public IReadOnlyList<double> ExpandRatios { get; init; } = [3, 4, 6];
    public IReadOnlyList<int> Depths { get; init; } = [2, 3, 4];
    public int FinalExpandChannels { get; init; } = 960;
    public int FeatureChannels { get; init; } = 1280;
    public double Dropout { get; init; } = 0.1;
    public double BnMomentum { get; init; } = 0.1;
    public double BnEps { get; init; } = 1e-5;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public int StemWidth => Channels.MakeDivisible(StemChannels * WidthMultiplier);
    public int FirstBlockWidth => Channels.MakeDivisible(FirstBlockChannels * WidthMultiplier);
    public int StageWidth(int stage) => Channels.MakeDivisible(Stages[stage].Channels * WidthMultiplier);
    public int FinalExpandWidth => Channels.MakeDivisible(FinalExpandChannels * WidthMultiplier);
    public int FeatureWidth => Channels.MakeDivisible(FeatureChannels * WidthMultiplier);
    public int MaxKernel => Kernels.Max();
    public int StageCount => Stages.Count;
    public int BlockSlots => Stages.Count * BlocksPerStage;

    /// <summary>Input width of block <paramref name="index"/> of stage <paramref name="stage"/>.</summary>
    public int BlockInputWidth(int stage, int index) =>
        index > 0 ? StageWidth(stage) : stage == 0 ? FirstBlockWidth : StageWidth(stage - 1);

    /// <summary>The static shape of elastic block (stage, index) at a kernel and expand ratio.</summary>
    public Static.MbConvShape BlockShape(int stage, int index, int kernel, double expand)
    {
        StageSpec spec = Stages[stage];
        int input = BlockInputWidth(stage, index);
        int middle = Channels.MiddleWidth(input, expand);
        return new Static.MbConvShape(input, middle, StageWidth(stage), kernel, index == 0 ? spec.Stride : 1, spec.Activation,
            spec.Se ? Channels.SqueezeWidth(middle) : null, Residual: index > 0, HasExpansion: true);
    }

    /// <summary>The built-in <c>ofa-mbv3-small</c> space with a width multiplier and class / channel counts.</summary>
    public static OfaSearchSpace Default(double widthMultiplier = 1.0, int inputChannels = 1, int classes = 10) =>
        FromJson(ReadEmbedded("ofa-mbv3-small.json"), DefaultName) with
        {
            WidthMultiplier = widthMultiplier,
            InputChannels = inputChannels,
            Classes = classes,
        };

    /// <summary>Parses and validates a space; errors name the field and the allowed values.</summary>
    public static OfaSearchSpace FromJson(string json, string source)
    {
        OfaSearchSpace space;
        try
        {
            space = JsonSerializer.Deserialize<OfaSearchSpace>(json, JsonOptions)
                ?? throw new InvalidDataException($"{source}: empty search space");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {e.Message.Split(". Path", 2)[0]} (at {e.Path})");
        }
        string? error = space.Validate();
        if (error is not null) throw new InvalidDataException($"{source}: {error}");
        return space;
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Two spaces are equal when their definitions are (lists compared by value, via the JSON form).</summary>
    public bool Equals(OfaSearchSpace? other) =>
        other is not null && (ReferenceEquals(this, other) || string.Equals(ToJson(), other.ToJson(), StringComparison.Ordinal));

    public override int GetHashCode() => ToJson().GetHashCode(StringComparison.Ordinal);

    /// <summary>The first problem with the definition, or null.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) return "name: must not be empty";
        if (InputChannels < 1) return $"inputChannels: must be at least 1, got {InputChannels}";
        if (Classes < 2) return $"classes: must be at least 2, got {Classes}";
        if (WidthMultiplier is <= 0 or > 8) return $"widthMultiplier: must be in (0, 8], got {WidthMultiplier}";
        if (Stages.Count == 0) return "stages: at least one stage is needed";
        for (int s = 0; s < Stages.Count; s++)
        {
            if (Stages[s].Channels < 1) return $"stages[{s}].channels: must be at least 1";
            if (Stages[s].Stride is not (1 or 2)) return $"stages[{s}].stride: allowed values 1, 2; got {Stages[s].Stride}";
        }
        if (Resolutions.Count == 0 || Resolutions.Any(r => r < 8 || r % 4 != 0))
            return $"resolutions: each must be a multiple of 4, at least 8; got [{string.Join(", ", Resolutions)}]";
        if (Kernels.Count == 0 || Kernels.Any(k => k < 1 || k % 2 == 0) || Kernels.Distinct().Count() != Kernels.Count)
            return $"kernels: distinct odd sizes needed; got [{string.Join(", ", Kernels)}]";
        if (ExpandRatios.Count == 0 || ExpandRatios.Any(e => e <= 0) || ExpandRatios.Distinct().Count() != ExpandRatios.Count)
            return $"expandRatios: distinct positive ratios needed; got [{string.Join(", ", ExpandRatios)}]";
        if (Depths.Count == 0 || Depths.Any(d => d < 1 || d > BlocksPerStage))
            return $"depths: each must be in [1, blocksPerStage={BlocksPerStage}]; got [{string.Join(", ", Depths)}]";
        if (Depths.Max() != BlocksPerStage) return $"depths: the largest must equal blocksPerStage ({BlocksPerStage})";
        if (Dropout is < 0 or >= 1) return $"dropout: must be in [0, 1), got {Dropout}";
        if (BnMomentum is <= 0 or > 1 || BnEps <= 0) return "bnMomentum / bnEps: must be positive (momentum at most 1)";
        return null;
    }

    private static string ReadEmbedded(string file)
    {
        Assembly assembly = typeof(OfaSearchSpace).Assembly;
        string name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(file, StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }
}
