using Microsoft.ML.Attribution.Graph;

namespace Attribution.Cli.Bench;

/// <summary>
/// The bench's <c>--option network.*</c> switches, applied to a freshly loaded network and removed from the options the
/// method sees: <c>network.winograd=false</c> runs every convolution with direct kernels (the memory-lean setting:
/// Winograd's packed weights are 4× a layer's own), <c>network.winograd-gradients=false</c> only the recorded passes.
/// </summary>
internal static class NetworkSettings
{
    private static readonly Dictionary<string, Action<Network, bool>> Switches = new()
    {
        ["network.winograd"] = (network, on) => network.UseWinograd = on,
        ["network.winograd-gradients"] = (network, on) => network.WinogradGradients = on,
        ["network.blocked-layout"] = (network, on) => network.UseBlockedLayout = on,
    };

    /// <summary>Applies the switches found in <paramref name="options"/>; returns the options without them.</summary>
    public static IReadOnlyDictionary<string, string> Apply(Network network, IReadOnlyDictionary<string, string> options)
    {
        foreach (var (key, set) in Switches)
        {
            if (!options.TryGetValue(key, out string? value)) continue;
            set(network, bool.TryParse(value, out bool on) ? on : throw new ArgumentException($"{key} takes true or false, got '{value}'."));
        }
        return options.Where(o => !Switches.ContainsKey(o.Key)).ToDictionary();
    }
}
