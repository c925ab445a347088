using System.Runtime.InteropServices;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// Switches libtorch's NNPACK convolution backend off (what PyTorch's <c>torch.backends.nnpack.set_flags(False)</c>
/// does; TorchSharp 0.107 has no binding for it, so this calls <c>at::globalContext().setUserEnabledNNPACK</c>
/// in libtorch_cpu directly). Why: where NNPACK cannot initialise (seen on a 2-core AMD EPYC VM: "Unsupported
/// hardware"), libtorch 2.10 retries it on every batch-1 convolution and prints a warning each time
/// (721,476 lines in one quickstart), which made latency tables and checks measure stderr writes. With it
/// off, every machine runs the same oneDNN / native kernels.
/// </summary>
public static class Nnpack
{
    private const string LibTorchCpu = "libtorch_cpu";

    [DllImport(LibTorchCpu, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    // Non-virtual members of at::Context: the object is the first argument (System V x86-64 / AArch64 C++ ABI).
    [DllImport(LibTorchCpu, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.I1)] bool enabled);

    [DllImport(LibTorchCpu, EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.I1)]
    private static extern bool UserEnabledNnpack(IntPtr context);

    /// <summary>Whether libtorch may pick NNPACK for a convolution; null where the symbols are not there (not Linux).</summary>
    public static bool? Enabled
    {
        get
        {
            try { return UserEnabledNnpack(GlobalContext()); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
        }
    }

    /// <summary>Turns NNPACK off; a no-op where libtorch_cpu does not export the switch.</summary>
    public static void Disable()
    {
        try { SetUserEnabledNnpack(GlobalContext(), false); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }
}
