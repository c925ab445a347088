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

    /// <summary>Progressive shrinking: the supernet at the end of each phase (<c>phases/{phase}.npta</c>) and at the end of the run.</summary>
    public string PhaseSupernet(string phase) => Path.Combine(Root, "phases", phase + ".npta");
    public string Supernet => Path.Combine(Root, "supernet.npta");

    /// <summary>Progressive shrinking: the frozen teacher, an exported sub-network directory.</summary>
    public string Teacher => Path.Combine(Root, "teacher");

    /// <summary>Progressive shrinking: the sub-networks exported at the end (<c>subnets/{name}</c>).</summary>
    public string ExportedSubnets => Path.Combine(Root, "subnets");
    public string ExportedSubnet(string name) => Path.Combine(ExportedSubnets, name);
    public string SubnetsCsv => Path.Combine(Root, "subnets.csv");
    public string PhasesCsv => Path.Combine(Root, "phases.csv");

    public void Create() => Directory.CreateDirectory(Root);
}
