namespace NasPrune.Tests;

/// <summary>
/// Tests that read process-wide memory figures (resident size, malloc's counters) run one at a time: another
/// test's allocations, on a parallel thread, would show up in their differences.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    public const string Name = "Process memory";
}
