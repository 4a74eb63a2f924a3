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

    public static double[] Measure(Action action, int iterations)
    {
        var seconds = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return seconds;
    }

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
