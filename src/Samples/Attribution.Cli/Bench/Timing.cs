using System.Diagnostics;

namespace Attribution.Cli.Bench;

/// <summary>Wall-clock timing helpers: a warm-up, then the median of repeated calls.</summary>
internal static class Timing
{
    /// <summary>Calls <paramref name="action"/> at least once and until <paramref name="seconds"/> have passed.</summary>
    public static void WarmUp(Action action, double seconds)
    {
        long start = Stopwatch.GetTimestamp();
        do action();
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds);
    }

    /// <summary>The seconds of each call: at least <paramref name="iterations"/> calls, and more until <paramref name="minSeconds"/> have passed.</summary>
    public static double[] Measure(Action action, int iterations, double minSeconds)
    {
        var seconds = new List<double>();
        long first = Stopwatch.GetTimestamp();
        while (seconds.Count < iterations || Stopwatch.GetElapsedTime(first).TotalSeconds < minSeconds)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return seconds.ToArray();
    }

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
