using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Runtime;
using Spectre.Console;

namespace Attribution.Cli.Bench;

/// <summary>
/// `bench --profile`: after the timed calls, more calls of our side under a <see cref="LayerProfile"/> (so the timing never
/// pays for it), reported per call of the workload: milliseconds per phase and layer kind, and their share of the wall time.
/// What no layer accounts for (seeds, maps, method logic, dispose) is the line "outside layers".
/// </summary>
internal static class ProfileRun
{
    public static JsonArray Run(IBenchWorkload workload, int calls, int top = 80)
    {
        long started = Stopwatch.GetTimestamp();
        IReadOnlyList<LayerProfileEntry> entries;
        using (LayerProfile profile = LayerProfile.Start())
        {
            for (int i = 0; i < calls; i++) workload.Run();
            entries = profile.Entries;
        }
        double wall = Stopwatch.GetElapsedTime(started).TotalSeconds / calls;
        double inLayers = entries.Sum(e => e.Seconds) / calls;
        var table = new Table().Title($"{Markup.Escape(workload.Name)}: {1000 * wall:F1} ms per call, {calls} profiled calls")
            .AddColumns("phase", "layer", "calls per call", "ms per call", "share", "page faults per call");
        var json = new JsonArray();
        foreach (LayerProfileEntry entry in entries.Take(top))
            Add(entry.Phase, entry.Layer, (double)entry.Calls / calls, entry.Seconds / calls, (double)entry.PageFaults / calls);
        if (entries.Count > top)
            Add("", $"{entries.Count - top} more", double.NaN, entries.Skip(top).Sum(e => e.Seconds) / calls, (double)entries.Skip(top).Sum(e => e.PageFaults) / calls);
        Add("", "outside layers", double.NaN, wall - inLayers, double.NaN);
        AnsiConsole.Write(table);
        return json;

        void Add(string phase, string layer, double perCall, double seconds, double faults)
        {
            string count = double.IsNaN(perCall) ? "" : perCall.ToString("0.#", CultureInfo.InvariantCulture);
            string faultCount = double.IsNaN(faults) || !PageFaults.Available ? "" : faults.ToString("F0", CultureInfo.InvariantCulture);
            table.AddRow(Markup.Escape(phase), Markup.Escape(layer), count, (1000 * seconds).ToString("F2", CultureInfo.InvariantCulture),
                (seconds / wall).ToString("P1", CultureInfo.InvariantCulture), faultCount);
            json.Add(new JsonObject
            {
                ["phase"] = phase, ["layer"] = layer, ["callsPerCall"] = double.IsNaN(perCall) ? null : perCall, ["msPerCall"] = Math.Round(1000 * seconds, 3),
                ["pageFaultsPerCall"] = faultCount.Length == 0 ? null : Math.Round(faults),
            });
        }
    }
}
