namespace Attribution.Cli.Bench;

/// <summary>
/// The process's peak resident set (Linux VmHWM), resettable through /proc/self/clear_refs ("5" resets the peak to the
/// current RSS), so each workload reports the most memory it held, model weights included.
/// </summary>
internal static class PeakMemory
{
    /// <summary>Starts a new peak at the current RSS; false where /proc does not allow it (then the peak is the process's).</summary>
    public static bool Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>VmHWM in MB, or null where /proc/self/status is not readable.</summary>
    public static double? Megabytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
