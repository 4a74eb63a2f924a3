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

    /// <summary>
    /// <paramref name="action"/> and <paramref name="paired"/> called alternately, each call of one followed by one of the
    /// other, until <paramref name="iterations"/> pairs and <paramref name="minSeconds"/> of <paramref name="action"/> have
    /// passed: the seconds of each. A pair runs within a second or two, so a slow spell of a shared machine slows both of
    /// it alike and their ratio holds where the ratio of separately timed medians moves with the spells.
    /// </summary>
    public static (double[] Action, double[] Paired) MeasureAlternating(Action action, Action paired, int iterations, double minSeconds)
    {
        var first = new List<double>();
        var second = new List<double>();
        double actionSeconds = 0;
        while (first.Count < iterations || actionSeconds < minSeconds)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            first.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            actionSeconds += first[^1];
            start = Stopwatch.GetTimestamp();
            paired();
            second.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return (first.ToArray(), second.ToArray());
    }

    public static double Median(IEnumerable<double> values) => Quantile(values, 0.5);

    /// <summary>The <paramref name="q"/>-quantile, interpolating between the two nearest values (NaN for none).</summary>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
