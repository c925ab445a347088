using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// The address of a CPU tensor's first element, for kernels written here in C# (TorchSharp 0.107 has no
/// binding for it). LibTorchSharp's own <c>THSTensor_data</c> returns <c>data_ptr()</c>, which includes the
/// tensor's storage offset. Only contiguous float32 tensors on the CPU are handed out: anything else is a
/// caller's mistake that would read the wrong memory, so it throws.
/// </summary>
public static class TensorMemory
{
    [DllImport("LibTorchSharp", EntryPoint = "THSTensor_data")]
    private static extern IntPtr Data(IntPtr tensor);

    public static unsafe float* Floats(Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU) throw new ArgumentException($"a C# kernel reads CPU tensors, not {tensor.device}");
        if (tensor.dtype != ScalarType.Float32) throw new ArgumentException($"a C# kernel reads float32 tensors, not {tensor.dtype}");
        if (!tensor.is_contiguous()) throw new ArgumentException("a C# kernel reads contiguous tensors (call contiguous() first)");
        return (float*)Data(tensor.Handle);
    }
}
