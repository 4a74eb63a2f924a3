using System.IO.Compression;
using System.Security.Cryptography;

namespace Microsoft.ML.Attribution.Persistence;

/// <summary>
/// Writes the entries of a saved attribution model (a zip): ML.NET segments, the manifest, and the ONNX files our transformers need —
/// embedded once per content (keyed by SHA-256), or referenced by path and hash when embedding is off.
/// </summary>
public sealed class ModelArchiveWriter
{
    private readonly ZipArchive _zip;
    private readonly bool _embedModels;
    private readonly Dictionary<string, string> _added = new(StringComparer.Ordinal);

    internal ModelArchiveWriter(ZipArchive zip, bool embedModels)
    {
        _zip = zip;
        _embedModels = embedModels;
    }

    /// <summary>Adds (or references) an ONNX file; returns what <see cref="ModelArchiveReader.GetModelFile"/> resolves back to a file.</summary>
    internal string AddModelFile(string path)
    {
        string fullPath = Path.GetFullPath(path);
        if (_added.TryGetValue(fullPath, out string? reference))
            return reference;
        string hash = Hash(fullPath);
        if (_embedModels)
        {
            reference = $"{ModelArchiveReader.ModelsFolder}{hash}.onnx";
            if (!_added.ContainsValue(reference))
                _zip.CreateEntryFromFile(fullPath, reference, CompressionLevel.Fastest);
        }
        else
        {
            reference = $"{ModelArchiveReader.ReferencePrefix}{hash}:{fullPath}";
        }
        _added[fullPath] = reference;
        return reference;
    }

    internal Stream CreateEntry(string name) => _zip.CreateEntry(name, CompressionLevel.Fastest).Open();

    internal static string Hash(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
