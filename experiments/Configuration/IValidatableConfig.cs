namespace NasPrune.Experiments.Configuration;

/// <summary>A config type with rules across fields, checked after its fields are bound.</summary>
public interface IValidatableConfig
{
    /// <summary>One full, one-line message per problem; <paramref name="path"/> is this object's dotted path.</summary>
    IEnumerable<string> Validate(string path);
}
