using System.Globalization;
using System.Text;

namespace Microsoft.ML.Attribution.Datasets;

/// <summary>
/// Reads images and their boxes from a CSV file with a header row. Required column: <c>path</c>. Boxes: <c>class,x1,y1,x2,y2</c>
/// (all five or none); optional: <c>width,height</c> (the image size), <c>difficult</c> (0/1) and <c>target</c> (the class to
/// explain for the image, a class name or index, kept as written in <see cref="AnnotatedImage.Target"/>; empty = none). One row
/// per object, several rows per image; a row with an empty class and empty coordinates lists an image without objects, and
/// without box columns every row lists one image. Coordinates are 0-based inclusive pixels (x = column, y = row). Relative paths
/// are resolved against <c>imageFolder</c>, by default the CSV file's folder. Fields may be quoted with "…" ("" inside quotes is a quote).
/// </summary>
public static class CsvAnnotationReader
{
    private static readonly string[] Required = ["path"];
    private static readonly string[] BoxColumns = ["class", "x1", "y1", "x2", "y2"];
    private static readonly string[] Optional = ["width", "height", "difficult", "target"];

    /// <param name="csvPath">The CSV file.</param>
    /// <param name="imageFolder">Where relative image paths start; defaults to the CSV file's folder.</param>
    /// <param name="classNames">The class list; defaults to the classes in order of first appearance. Other classes are an error.</param>
    public static AnnotatedDataset Read(string csvPath, string? imageFolder = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(csvPath);
        if (!File.Exists(csvPath)) throw new FileNotFoundException($"No CSV annotation file '{csvPath}'.", csvPath);
        imageFolder ??= Path.GetDirectoryName(Path.GetFullPath(csvPath))!;

        using StreamReader reader = File.OpenText(csvPath);
        int lineNumber = 0;
        string? line;
        Dictionary<string, int>? columns = null;
        var order = new List<string>();
        var images = new Dictionary<string, ImageRows>(StringComparer.Ordinal);
        var classes = classNames?.ToList() ?? [];
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            InvalidDataException Error(string message) => new($"{csvPath}: line {lineNumber}: {message}");
            List<string> fields = SplitFields(line) ?? throw Error("malformed quoted field (unclosed quote, or text after the closing quote)");

            if (columns is null)
            {
                columns = ReadHeader(fields, Error);
                continue;
            }
            if (fields.Count != columns.Count)
                throw Error($"expected {columns.Count} fields like the header, got {fields.Count}");

            string path = fields[columns["path"]];
            if (path.Length == 0) throw Error("empty path");
            int width = OptionalSize("width"), height = OptionalSize("height");
            string? target = columns.TryGetValue("target", out int t) && fields[t].Length > 0 ? fields[t] : null;
            if (!images.TryGetValue(path, out ImageRows? image))
            {
                images[path] = image = new ImageRows(width, height, target);
                order.Add(path);
            }
            else if (image.Width != width || image.Height != height)
            {
                throw Error($"'{path}' is {width}×{height} here but {image.Width}×{image.Height} on an earlier line");
            }
            else if (image.Target != target)
            {
                throw Error($"'{path}' has the target '{target}' here but '{image.Target}' on an earlier line");
            }

            if (!columns.ContainsKey("class")) continue;
            string className = fields[columns["class"]];
            string[] coordinates = ["x1", "y1", "x2", "y2"];
            if (className.Length == 0 && coordinates.All(c => fields[columns[c]].Length == 0)) continue;
            if (className.Length == 0) throw Error("empty class");
            if (!classes.Contains(className, StringComparer.Ordinal))
            {
                if (classNames != null)
                    throw Error($"unknown class '{className}' (expected one of: {string.Join(", ", classNames)})");
                classes.Add(className);
            }
            double x1 = Number("x1"), y1 = Number("y1"), x2 = Number("x2"), y2 = Number("y2");
            if (x2 < x1 || y2 < y1) throw Error($"box ({x1}, {y1}, {x2}, {y2}) has x2 < x1 or y2 < y1");
            bool difficult = columns.TryGetValue("difficult", out int d) && fields[d] switch
            {
                "" or "0" => false,
                "1" => true,
                var v => throw Error($"difficult: expected 0 or 1, got '{v}'"),
            };
            image.Objects.Add(new GroundTruthObject(className, new BoundingBox(x1, y1, x2, y2), difficult));

            double Number(string column) =>
                double.TryParse(fields[columns[column]], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
                    ? value : throw Error($"{column}: expected a number, got '{fields[columns[column]]}'");

            int OptionalSize(string column)
            {
                if (!columns.TryGetValue(column, out int index)) return 0;
                return int.TryParse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
                    ? value : throw Error($"{column}: expected a positive integer, got '{fields[index]}'");
            }
        }
        if (columns is null) throw new InvalidDataException($"{csvPath}: line 1: empty file, expected a header like path,{string.Join(",", BoxColumns)}");

        var result = order.Select(path =>
        {
            ImageRows rows = images[path];
            return new AnnotatedImage(Path.Combine(imageFolder, path), rows.Width, rows.Height, rows.Objects) { Target = rows.Target };
        }).ToList();
        return new AnnotatedDataset(classes, result);
    }

    private static Dictionary<string, int> ReadHeader(List<string> fields, Func<string, InvalidDataException> error)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < fields.Count; i++)
        {
            string name = fields[i].ToLowerInvariant();
            if (!Required.Contains(name) && !BoxColumns.Contains(name) && !Optional.Contains(name))
                throw error($"unknown column '{fields[i]}' in the header (columns: {string.Join(",", Required.Concat(BoxColumns).Concat(Optional))})");
            if (!columns.TryAdd(name, i)) throw error($"column '{name}' appears twice in the header");
        }
        if (!columns.ContainsKey("path"))
            throw error($"the header lacks path (expected a header like path,{string.Join(",", BoxColumns)} or path,target)");
        string[] missingBox = BoxColumns.Where(c => !columns.ContainsKey(c)).ToArray();
        if (missingBox.Length is > 0 and < 5)
            throw error($"the header lacks {string.Join(",", missingBox)} (boxes need all of {string.Join(",", BoxColumns)})");
        if (columns.ContainsKey("width") != columns.ContainsKey("height"))
            throw error("the header must have both width and height, or neither");
        return columns;
    }

    /// <summary>Splits one line at commas, honouring "…" quotes; unquoted fields are trimmed. Null if a quoted field is malformed.</summary>
    private static List<string>? SplitFields(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            while (i < line.Length && line[i] == ' ') i++;
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length) return null;
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                while (i < line.Length && line[i] == ' ') i++;
                if (i < line.Length && line[i] != ',') return null; // text after the closing quote
                fields.Add(field.ToString());
            }
            else
            {
                int comma = line.IndexOf(',', i);
                int end = comma < 0 ? line.Length : comma;
                fields.Add(line[i..end].Trim());
                i = end;
            }
            if (i >= line.Length) return fields;
            i++; // the comma
        }
    }

    private sealed class ImageRows(int width, int height, string? target)
    {
        public int Width { get; } = width;
        public int Height { get; } = height;
        public string? Target { get; } = target;
        public List<GroundTruthObject> Objects { get; } = [];
    }
}
