using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Ofa;

namespace NasPrune.Experiments.Cli;

/// <summary><c>nasprune supernet init --out FILE [--width 0.5] [--space FILE] [--seed N]</c>: a freshly initialised supernet file.</summary>
public static class SupernetCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out") { Description = "supernet file to write", Required = true };
        var width = new Option<double>("--width") { Description = "width multiplier", DefaultValueFactory = _ => 0.5 };
        var space = new Option<FileInfo?>("--space") { Description = "search-space JSON (default: the built-in ofa-mbv3-small)" };
        var seed = new Option<long>("--seed") { Description = "initialisation seed", DefaultValueFactory = _ => 0 };
        var init = new Command("init", "Write a randomly initialised supernet") { output, width, space, seed };
        init.SetAction(parse => CommandGuard.Run(() =>
        {
            using var context = new CommandContext("supernet", null, null, parse.GetValue(seed));
            FileInfo? spaceFile = parse.GetValue(space);
            OfaSearchSpace definition = spaceFile is null
                ? OfaSearchSpace.Default(parse.GetValue(width))
                : OfaSearchSpace.FromJson(File.ReadAllText(spaceFile.FullName), spaceFile.FullName);
            using var supernet = new OfaSupernet(definition);
            string path = parse.GetRequiredValue(output).FullName;
            string hash = SupernetFile.Write(path, supernet, new JsonObject { ["phase"] = "init", ["seed"] = parse.GetValue(seed) });
            context.Logger.LogInformation("Wrote {Space} supernet (width {Width}) to {Path}, sha256 {Hash}", definition.Name, definition.WidthMultiplier, path, hash[..12]);
            return 0;
        }));
        return new Command("supernet", "Supernet files") { init };
    }
}
