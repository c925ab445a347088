using TorchSharp;

namespace NasPrune.Supernet.Runtime;

/// <summary>Turns a user's device string into a TorchSharp device, with one clear error when it cannot.</summary>
public static class DeviceSelector
{
    public static readonly IReadOnlyList<string> Allowed = ["cpu", "cuda"];

    /// <summary>Parses "cpu", "cuda" or "cuda:N". Throws <see cref="ArgumentException"/> naming the allowed values.</summary>
    public static torch.Device Parse(string text, string fieldName = "device")
    {
        string value = text.Trim().ToLowerInvariant();
        if (value == "cpu") return torch.CPU;
        if (value == "cuda" || value.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new ArgumentException($"{fieldName}: '{text}' asked for, but CUDA is not available in this build or machine; allowed here: cpu");
            return value == "cuda" ? torch.CUDA : torch.device(value);
        }
        throw new ArgumentException($"{fieldName}: '{text}' is not a device; allowed values: cpu, cuda, cuda:N");
    }
}
