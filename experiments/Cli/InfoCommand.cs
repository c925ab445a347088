using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasPrune.Supernet.Runtime;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using Spectre.Console;
using TorchSharp;

namespace NasPrune.Experiments.Cli;

/// <summary><c>nasprune info [--json]</c>: versions, threads, devices and the data sets found on this machine.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "print JSON instead of a table" };
        var dataRoot = new Option<string?>("--data-root") { Description = "Fashion-MNIST folder to look in (default: NASPRUNE_DATA, then the Debian path)" };
        var command = new Command("info", "Show versions, threads, devices and data sets") { json, dataRoot };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            JsonObject info = Collect(parse.GetValue(dataRoot));
            if (parse.GetValue(json)) Console.WriteLine(info.ToJsonString(RunConfigJson.Options));
            else PrintTable(info);
            return 0;
        }));
        return command;
    }

    public static JsonObject Collect(string? dataRoot)
    {
        string root = FashionMnist.ResolveRoot(dataRoot);
        var files = new JsonArray();
        foreach (var file in FashionMnist.Probe(root)) files.Add(JsonSerializer.SerializeToNode(file, RunConfigJson.Options));
        return new JsonObject
        {
            ["nasprune"] = typeof(InfoCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            ["dotnet"] = Environment.Version.ToString(),
            ["torchSharp"] = TorchSetup.TorchSharpVersion,
            ["libTorch"] = TorchSetup.LibTorchVersion,
            ["threads"] = torch.get_num_threads(),
            ["cores"] = Environment.ProcessorCount,
            ["devices"] = torch.cuda.is_available() ? new JsonArray("cpu", $"cuda ({torch.cuda.device_count()})") : new JsonArray("cpu"),
            ["datasets"] = new JsonArray(new JsonObject { ["name"] = "fashion-mnist", ["root"] = root, ["files"] = files }),
        };
    }

    private static void PrintTable(JsonObject info)
    {
        var table = new Table().AddColumns("item", "value");
        foreach (var (key, value) in info)
        {
            if (key == "datasets") continue;
            table.AddRow(key, Markup.Escape(value?.ToJsonString().Trim('"') ?? ""));
        }
        AnsiConsole.Write(table);
        foreach (JsonNode? set in info["datasets"]!.AsArray())
        {
            var files = new Table().Title($"{set!["name"]} in {Markup.Escape(set["root"]!.ToString())}");
            JsonArray rows = set["files"]!.AsArray();
            if (rows.Count == 0) continue;
            foreach (var (column, _) in rows[0]!.AsObject()) files.AddColumn(column);
            foreach (JsonNode? row in rows) files.AddRow(row!.AsObject().Select(kv => Markup.Escape(kv.Value?.ToString() ?? "-")).ToArray());
            AnsiConsole.Write(files);
        }
    }
}
