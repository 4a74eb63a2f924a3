using System.IO.Compression;

namespace Microsoft.ML.Attribution.Persistence;

/// <summary>
/// Reads back what <see cref="ModelArchiveWriter"/> wrote. Embedded ONNX files are extracted once into a cache folder named by their hash
/// (the importer reads files); referenced ones must still be at their path with the same content.
/// </summary>
public sealed class ModelArchiveReader
{
    internal const string ModelsFolder = "models/";
    internal const string ReferencePrefix = "file:sha256=";

    private readonly ZipArchive _zip;
    private readonly string _archivePath;

    internal ModelArchiveReader(ZipArchive zip, string archivePath)
    {
        _zip = zip;
        _archivePath = archivePath;
    }

    /// <summary>Where extracted models go: ATTRIBUTION_MODEL_CACHE, else a folder under the temporary folder.</summary>
    public static string CacheFolder =>
        Environment.GetEnvironmentVariable("ATTRIBUTION_MODEL_CACHE") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Path.GetTempPath(), "Microsoft.ML.Attribution", "models");

    internal string GetModelFile(string reference)
    {
        if (reference.StartsWith(ReferencePrefix, StringComparison.Ordinal))
        {
            string rest = reference[ReferencePrefix.Length..];
            int colon = rest.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
                throw Corrupt($"the model reference '{reference}' is malformed");
            string hash = rest[..colon], path = rest[(colon + 1)..];
            if (!File.Exists(path))
                throw new FileNotFoundException($"The model saved in '{_archivePath}' refers to the ONNX file '{path}', which is gone (save with embedModels: true to keep a copy inside).", path);
            string actual = ModelArchiveWriter.Hash(path);
            if (actual != hash)
                throw new InvalidDataException($"The ONNX file '{path}' changed since '{_archivePath}' was saved (SHA-256 {actual}, saved {hash}).");
            return path;
        }
        ZipArchiveEntry entry = _zip.GetEntry(reference) ?? throw Corrupt($"the entry '{reference}' is missing");
        string name = Path.GetFileName(reference);
        string target = Path.Combine(CacheFolder, name);
        if (File.Exists(target) && ModelArchiveWriter.Hash(target) == Path.GetFileNameWithoutExtension(name))
            return target;
        Directory.CreateDirectory(CacheFolder);
        // Extract beside the target and move it into place, so a concurrent load never reads half a file.
        string partial = target + "." + Guid.NewGuid().ToString("N") + ".partial";
        entry.ExtractToFile(partial, overwrite: true);
        if (ModelArchiveWriter.Hash(partial) != Path.GetFileNameWithoutExtension(name))
        {
            File.Delete(partial);
            throw Corrupt($"the embedded model '{reference}' does not match its hash");
        }
        File.Move(partial, target, overwrite: true);
        return target;
    }

    internal Stream OpenEntry(string name) => (_zip.GetEntry(name) ?? throw Corrupt($"the entry '{name}' is missing")).Open();

    internal InvalidDataException Corrupt(string what) => new($"'{_archivePath}' is not a readable attribution model: {what}.");
}
