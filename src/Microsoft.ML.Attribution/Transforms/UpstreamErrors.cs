namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// ML.NET's own transforms throw from their getters on bad rows (<c>LoadImages</c>: a missing file, undecodable bytes; <c>ExtractPixels</c>
/// over a row without an image). Our transforms catch those reads and turn them into the row's error text, so the other rows go on.
/// </summary>
internal static class UpstreamErrors
{
    public static string Describe(Exception error, string columnName) => error switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"Missing file: {error.Message} (column '{columnName}').",
        ArgumentException when error.Message.Contains("stream", StringComparison.OrdinalIgnoreCase) =>
            $"Corrupt image: the file could not be decoded ({error.Message}; column '{columnName}').",
        InvalidOperationException when error.Message.Contains("disposed", StringComparison.OrdinalIgnoreCase) =>
            $"No image: the row has no image (an empty path upstream; column '{columnName}').",
        _ => $"Unreadable input: {error.GetType().Name}: {error.Message} (column '{columnName}').",
    };

    /// <summary>Whether an exception from an upstream getter is the row's problem (and not, say, cancellation or a broken process).</summary>
    public static bool IsRowError(Exception error) =>
        error is not (OperationCanceledException or OutOfMemoryException);
}
