using System.Reflection;
using TorchSharp;

namespace NasPrune.Supernet.Runtime;

/// <summary>One place that sets the process-wide torch state a run depends on: threads and the seed.</summary>
public static class TorchSetup
{
    /// <summary>Sets intra-op threads (0 keeps libtorch's default) and the global torch seed.</summary>
    public static void Configure(int threads, long seed)
    {
        if (threads > 0)
        {
            torch.set_num_threads(threads);
        }
        torch.manual_seed(seed);
    }

    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static string LibTorchVersion => torch.__version__;

    public static int Threads => torch.get_num_threads();
}
