using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Microsoft.ML.Attribution.Datasets;

/// <summary>
/// Reads a PASCAL VOC layout: <c>JPEGImages/&lt;id&gt;.jpg</c>, <c>Annotations/&lt;id&gt;.xml</c> (size, and per object its name,
/// bndbox in 1-based inclusive pixels, and difficult flag) and <c>ImageSets/Main/&lt;split&gt;.txt</c> (one image id a line).
/// The image path is <c>JPEGImages/</c> plus the annotation's <c>&lt;filename&gt;</c> when that is a plain file name (so
/// a VOC-layout set of PNG images works), else <c>&lt;id&gt;.jpg</c>. Other class lists (a synthetic benchmark written
/// in VOC layout) can be passed instead of the 20 VOC classes.
/// </summary>
public static class PascalVocReader
{
    /// <summary>The 20 PASCAL VOC classes in the standard order (class index = position).</summary>
    public static IReadOnlyList<string> VocClassNames { get; } =
    [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    /// <param name="root">The folder holding JPEGImages/, Annotations/ and ImageSets/ (e.g. VOCdevkit/VOC2007).</param>
    /// <param name="split">The split file name without extension: train, val, trainval or test.</param>
    /// <param name="classNames">The dataset's classes; defaults to <see cref="VocClassNames"/>.</param>
    public static AnnotatedDataset Read(string root, string split, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentException.ThrowIfNullOrWhiteSpace(split);
        classNames ??= VocClassNames;
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"No PASCAL VOC folder at '{root}'.");
        string splitFile = Path.Combine(root, "ImageSets", "Main", split + ".txt");
        var images = new List<AnnotatedImage>();
        foreach ((string id, int line) in ReadSplit(splitFile))
        {
            string xml = Path.Combine(root, "Annotations", id + ".xml");
            if (!File.Exists(xml))
                throw new FileNotFoundException($"{splitFile}: line {line}: image '{id}' has no annotation file '{xml}'.", xml);
            XDocument document = LoadXml(xml);
            string image = Path.Combine(root, "JPEGImages", ImageFileName(document) ?? id + ".jpg");
            images.Add(ReadAnnotation(document, xml, image, classNames));
        }
        return new AnnotatedDataset(classNames, images);
    }

    /// <summary>The image ids of a split file with their 1-based line numbers; blank lines are skipped.</summary>
    public static IReadOnlyList<(string Id, int Line)> ReadSplit(string splitFile)
    {
        if (!File.Exists(splitFile)) throw new FileNotFoundException($"No split file '{splitFile}'.", splitFile);
        var ids = new List<(string, int)>();
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(splitFile))
        {
            lineNumber++;
            string id = raw.Trim();
            if (id.Length == 0) continue;
            if (id.Any(char.IsWhiteSpace))
                throw new InvalidDataException($"{splitFile}: line {lineNumber}: expected one image id, got '{id}' " +
                    "(per-class split files with a ±1 column are not image lists).");
            ids.Add((id, lineNumber));
        }
        return ids;
    }

    /// <summary>Reads one annotation file. Objects keep the file's order; boxes are converted to 0-based inclusive pixels.</summary>
    public static AnnotatedImage ReadAnnotation(string xmlPath, string imagePath, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(xmlPath);
        return ReadAnnotation(LoadXml(xmlPath), xmlPath, imagePath, classNames ?? VocClassNames);
    }

    private static XDocument LoadXml(string xmlPath)
    {
        try
        {
            return XDocument.Load(xmlPath, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new InvalidDataException($"{xmlPath}: line {e.LineNumber}: not well-formed XML: {e.Message}", e);
        }
    }

    /// <summary>
    /// The annotation's <c>&lt;filename&gt;</c> when it is a plain file name (VOC's own files say <c>000001.jpg</c>; a
    /// VOC-layout set of PNG images says <c>&lt;id&gt;.png</c>); null when absent or not a plain name.
    /// </summary>
    private static string? ImageFileName(XDocument document)
    {
        string? name = document.Root?.Element("filename")?.Value.Trim();
        if (string.IsNullOrEmpty(name) || name != Path.GetFileName(name) || name is "." or ".." ||
            name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) return null;
        return name;
    }

    private static AnnotatedImage ReadAnnotation(XDocument document, string xmlPath, string imagePath, IReadOnlyList<string> classNames)
    {
        var file = new Where(xmlPath);
        XElement annotation = document.Root is { Name.LocalName: "annotation" } r
            ? r : throw file.Error(document.Root, "the root element must be <annotation>");
        XElement size = file.Child(annotation, "size");
        int width = file.PositiveInt(file.Child(size, "width"));
        int height = file.PositiveInt(file.Child(size, "height"));

        var objects = new List<GroundTruthObject>();
        foreach (XElement obj in annotation.Elements("object"))
        {
            XElement nameElement = file.Child(obj, "name");
            string name = nameElement.Value.Trim();
            if (!classNames.Contains(name, StringComparer.Ordinal))
                throw file.Error(nameElement, $"unknown class '{name}' (expected one of: {string.Join(", ", classNames)})");
            bool difficult = false;
            if (obj.Element("difficult") is XElement difficultElement)
            {
                difficult = difficultElement.Value.Trim() switch
                {
                    "0" => false,
                    "1" => true,
                    var v => throw file.Error(difficultElement, $"expected 0 or 1, got '{v}'"),
                };
            }
            XElement box = file.Child(obj, "bndbox");
            double xMin = file.Number(file.Child(box, "xmin")), yMin = file.Number(file.Child(box, "ymin"));
            double xMax = file.Number(file.Child(box, "xmax")), yMax = file.Number(file.Child(box, "ymax"));
            if (xMax < xMin || yMax < yMin)
                throw file.Error(box, $"box ({xMin}, {yMin}, {xMax}, {yMax}) has its maximum below its minimum");
            objects.Add(new GroundTruthObject(name, BoundingBox.FromVoc(xMin, yMin, xMax, yMax), difficult));
        }
        return new AnnotatedImage(imagePath, width, height, objects);
    }

    /// <summary>Builds error messages that name the file, the line and the element's path.</summary>
    private sealed class Where(string file)
    {
        public InvalidDataException Error(XElement? element, string message)
        {
            if (element is null) return new InvalidDataException($"{file}: {message}");
            int line = ((IXmlLineInfo)element).HasLineInfo() ? ((IXmlLineInfo)element).LineNumber : 0;
            return new InvalidDataException($"{file}: line {line}: <{PathOf(element)}>: {message}");
        }

        public XElement Child(XElement parent, string name) =>
            parent.Element(name) ?? throw Error(parent, $"missing <{name}>");

        public int PositiveInt(XElement element) =>
            int.TryParse(element.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
                ? value : throw Error(element, $"expected a positive integer, got '{element.Value.Trim()}'");

        public double Number(XElement element) =>
            double.TryParse(element.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
                ? value : throw Error(element, $"expected a number, got '{element.Value.Trim()}'");

        private static string PathOf(XElement element)
        {
            var parts = new Stack<string>();
            for (XElement? e = element; e != null; e = e.Parent)
            {
                int sameNameBefore = e.ElementsBeforeSelf(e.Name).Count();
                bool repeated = sameNameBefore > 0 || e.ElementsAfterSelf(e.Name).Any();
                parts.Push(repeated ? $"{e.Name.LocalName}[{sameNameBefore + 1}]" : e.Name.LocalName);
            }
            return string.Join('/', parts);
        }
    }
}
