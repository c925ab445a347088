namespace NasPrune.Tests.TestSupport;

/// <summary>
/// Sets environment variables for the length of a test and puts their previous values back on dispose.
/// The environment is the process's: use names no other test reads (e.g. a test-only config prefix).
/// </summary>
public sealed class TemporaryEnvironment : IDisposable
{
    private readonly Dictionary<string, string?> _saved = [];

    public TemporaryEnvironment(params (string Name, string? Value)[] variables)
    {
        foreach (var (name, value) in variables) Set(name, value);
    }

    public void Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }
}
