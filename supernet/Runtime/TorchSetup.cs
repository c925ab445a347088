using System.Reflection;
using TorchSharp;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// One place that sets the process-wide torch state a run depends on: threads, the seed, NNPACK off
/// (<see cref="Nnpack"/>), and malloc told to keep freed memory for reuse (<see cref="NativeAllocator"/>).
/// </summary>
public static class TorchSetup
{
    /// <summary>Sets intra-op threads (0 keeps libtorch's default) and the global torch seed, and turns NNPACK off.</summary>
    public static void Configure(int threads, long seed)
    {
        NativeAllocator.Configure();
        if (threads > 0)
        {
            torch.set_num_threads(threads);
        }
        torch.manual_seed(seed);
        Nnpack.Disable(); // after the first torch call, so TorchSharp has loaded libtorch
    }

    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static string LibTorchVersion => torch.__version__;

    public static int Threads => torch.get_num_threads();
}
