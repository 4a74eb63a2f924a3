namespace Attribution.Cli.Shared;

/// <summary>The --option method.key=value settings, grouped by method.</summary>
internal sealed class MethodSettings
{
    private readonly Dictionary<string, Dictionary<string, string>> _byMethod;

    private MethodSettings(Dictionary<string, Dictionary<string, string>> byMethod) => _byMethod = byMethod;

    public static MethodSettings Parse(IEnumerable<string> settings, IReadOnlyCollection<string> methods)
    {
        var byMethod = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (string setting in settings)
        {
            int dot = setting.IndexOf('.', StringComparison.Ordinal), equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (dot <= 0 || equals < dot + 2)
                throw new CliUsageException($"--option expects method.key=value, e.g. integrated-gradients.steps=64; got '{setting}'.");
            string method = setting[..dot], key = setting[(dot + 1)..equals], value = setting[(equals + 1)..];
            if (!methods.Contains(method))
                throw new CliUsageException($"--option '{setting}' is for method '{method}', which is not among --method ({string.Join(", ", methods)}).");
            if (!byMethod.TryGetValue(method, out Dictionary<string, string>? options))
                byMethod[method] = options = new Dictionary<string, string>(StringComparer.Ordinal);
            options[key] = value;
        }
        return new MethodSettings(byMethod);
    }

    public IReadOnlyDictionary<string, string> For(string method) =>
        _byMethod.TryGetValue(method, out Dictionary<string, string>? options) ? options : new Dictionary<string, string>();
}
