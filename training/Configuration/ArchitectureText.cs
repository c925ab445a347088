namespace NasPrune.Training.Configuration;

/// <summary>
/// Where a search-then-train run gets the architecture it trains: the config's text, or the file it names
/// with @file, or else the file this run's search wrote. TAS and DASS read their architectures this way.
/// </summary>
public static class ArchitectureText
{
    /// <returns>The text and where it came from (for parse errors), or null when nothing is given and the search has not written its file yet.</returns>
    public static (string Text, string Source)? Resolve(string? given, string field, string searchedFile)
    {
        if (!string.IsNullOrEmpty(given))
        {
            if (!given.StartsWith('@')) return (given, field);
            string file = given[1..];
            return File.Exists(file) ? (File.ReadAllText(file), $"{field} ({file})")
                : throw new FileNotFoundException($"{field}: '{file}' does not exist (run the search first)");
        }
        return File.Exists(searchedFile) ? (File.ReadAllText(searchedFile), searchedFile) : null;
    }
}
