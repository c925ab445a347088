using System.Text.Json.Nodes;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Serialization;
using NasPrune.Training.Configuration;

namespace NasPrune.Training.Shrinking;

/// <summary>
/// Reads the largest network of a search space from any file NasPrune writes for it: a supernet file (its
/// largest network), an exported sub-network directory, or the model.npta of a run that trained the largest
/// network alone (arch <c>ofa:&lt;largest&gt;</c>). Progressive shrinking takes its teacher and its start from
/// such a file, so that a network trained alone can stand in for the teacher phase, as in the reference,
/// whose kernel phase starts from a separately trained full network.
/// </summary>
public static class LargestNetworkFile
{
    /// <summary>True when <paramref name="path"/> is a supernet file (not a static network).</summary>
    public static bool IsSupernetFile(string path)
    {
        if (!File.Exists(path)) return false;
        using LoadedArchive archive = TensorArchive.Read(path);
        return archive.Metadata["format"]?.GetValue<string>() == SupernetFile.Format;
    }

    /// <summary>The largest network in <paramref name="path"/>, checked against <paramref name="space"/>; errors name <paramref name="field"/>.</summary>
    public static StaticOfaNet Read(string path, OfaSearchSpace space, string field)
    {
        StaticOfaNet net;
        if (Directory.Exists(path))
            net = SubnetExport.Read(path).Net;
        else if (!File.Exists(path))
            throw new FileNotFoundException($"config: '{field}': '{path}' does not exist (a supernet file, an exported sub-network directory or a run's model.npta)");
        else if (IsSupernetFile(path))
            return Teacher.FromSupernetFile(path, space);
        else
            net = ReadRunModel(path, space, field);

        SubnetConfig largest = SubnetConfig.Largest(space);
        if (!net.Config.Space.Equals(space) || net.Config != largest)
        {
            string arch = net.Config.ToString();
            net.Dispose();
            throw new InvalidDataException($"config: '{field}': '{path}' holds '{arch}', not the largest network '{largest}' of the run's search space (model.space, widthMultiplier, data)");
        }
        return net;
    }

    private static StaticOfaNet ReadRunModel(string path, OfaSearchSpace space, string field)
    {
        using LoadedArchive archive = TensorArchive.Read(path);
        string arch = archive.Metadata["arch"]?.GetValue<string>() ?? "";
        if (!arch.StartsWith(ModelConfig.SubnetPrefix, StringComparison.Ordinal))
            throw new InvalidDataException($"config: '{field}': '{path}' is neither a supernet file nor the model of an '{ModelConfig.SubnetPrefix}<arch>' run (its arch is '{arch}')");
        SubnetConfig config;
        try
        {
            config = SubnetConfig.ParseAny(space, arch[ModelConfig.SubnetPrefix.Length..]);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"config: '{field}': '{path}': {e.Message}");
        }
        if (config != SubnetConfig.Largest(space))
            throw new InvalidDataException($"config: '{field}': '{path}' holds '{config}', not the largest network '{SubnetConfig.Largest(space)}' of the run's search space");
        var net = new StaticOfaNet(config);
        try
        {
            ModuleState.Load(net, archive.Tensors, "", path);
        }
        catch (InvalidDataException e)
        {
            net.Dispose();
            // The arch string does not carry the width: a network of another widthMultiplier fails here.
            throw new InvalidDataException($"config: '{field}': {e.Message} (was it trained with another model.space or widthMultiplier?)");
        }
        return net;
    }
}
