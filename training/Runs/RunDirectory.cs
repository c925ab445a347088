namespace NasPrune.Training.Runs;

/// <summary>The files of one run, all under one folder; rerunning on the same folder resumes.</summary>
public sealed class RunDirectory(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string Config => Path.Combine(Root, "config.json");
    public string Metrics => Path.Combine(Root, "metrics.csv");
    public string Log => Path.Combine(Root, "train.log");
    public string Checkpoints => Path.Combine(Root, "checkpoints");
    public string Result => Path.Combine(Root, "result.json");

    /// <summary>The trained model's weights (written when training completes).</summary>
    public string Model => Path.Combine(Root, "model.npta");

    public void Create() => Directory.CreateDirectory(Root);
}
