using System.Diagnostics;

namespace NasPrune.Training.Runs;

/// <summary>Resident memory of this process (native libtorch allocations included), for the flat-memory checks of long runs.</summary>
public static class MemoryUse
{
    public static double RssMb() => Environment.WorkingSet / (1024.0 * 1024.0);

    public static double PeakRssMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / (1024.0 * 1024.0);
    }
}
