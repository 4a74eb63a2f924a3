using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Attribution.Runtime;

/// <summary>
/// The GLIBCXX_3.4.N version names in a shared library's bytes: what a library asks of libstdc++ (its version needs) or what a libstdc++
/// offers (its version definitions). A byte scan, not an ELF parse: enough to say which version is missing.
/// </summary>
internal static partial class LibStdCxxVersions
{
    /// <summary>The largest N of "GLIBCXX_3.4.N" in <paramref name="path"/>, or null when there is none.</summary>
    public static int? Highest(string path)
    {
        string text = Encoding.Latin1.GetString(File.ReadAllBytes(path));
        int? highest = null;
        foreach (Match match in Glibcxx().Matches(text))
        {
            int minor = int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            highest = highest is int h ? Math.Max(h, minor) : minor;
        }
        return highest;
    }

    /// <summary>The system's libstdc++.so.6 (the first of the usual places that exists).</summary>
    public static string? SystemLibrary() =>
        new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/aarch64-linux-gnu/libstdc++.so.6",
                "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" }.FirstOrDefault(File.Exists);

    [GeneratedRegex(@"GLIBCXX_3\.4\.(\d+)\0")]
    private static partial Regex Glibcxx();
}
