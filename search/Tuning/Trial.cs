namespace NasPrune.Search.Tuning;

/// <summary>A running trial: suggests parameters (remembered by name) and reports intermediate values for pruning.</summary>
public sealed class Trial
{
    private readonly Study _study;

    internal Trial(Study study, int number) => (_study, Number) = (study, number);

    public int Number { get; }
    public double? LastValue { get; private set; }

    public double SuggestFloat(string name, double low, double high, bool log = false)
    {
        if (!(low < high) || (log && low <= 0)) throw new ArgumentException($"parameter '{name}': needs low < high{(log ? " and low > 0 (log scale)" : "")}, got [{low}, {high}]");
        return _study.Suggest(Number, name, new FloatDistribution(low, high, log));
    }

    public int SuggestInt(string name, int low, int high, bool log = false)
    {
        if (low > high || (log && low <= 0)) throw new ArgumentException($"parameter '{name}': needs low <= high{(log ? " and low > 0 (log scale)" : "")}, got [{low}, {high}]");
        return (int)_study.Suggest(Number, name, new IntDistribution(low, high, log));
    }

    public string SuggestCategorical(string name, IReadOnlyList<string> choices)
    {
        if (choices.Count == 0) throw new ArgumentException($"parameter '{name}': needs at least one choice");
        var distribution = new CategoricalDistribution(choices);
        return distribution.Choice(_study.Suggest(Number, name, distribution));
    }

    public void Report(int step, double value)
    {
        _study.Storage.Report(Number, step, value);
        LastValue = value;
    }

    public bool ShouldPrune() => _study.ShouldPrune(Number);
}
