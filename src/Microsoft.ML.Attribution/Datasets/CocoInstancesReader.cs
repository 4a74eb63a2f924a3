using System.Text.Json;

namespace Microsoft.ML.Attribution.Datasets;

/// <summary>
/// Reads a COCO instances file (<c>instances_val2014.json</c> and the like): <c>images</c> (id, file_name, width, height),
/// <c>categories</c> (id, name) and <c>annotations</c> (image_id, category_id, bbox [x, y, w, h]).
/// Class names are the category names ordered by category id, as in TorchRay's class indexing.
/// Only boxes are read: segmentation polygons/RLE (TorchRay's COCO pointing game uses them) are ignored.
/// Crowd annotations are kept, as TorchRay keeps them.
/// </summary>
public static class CocoInstancesReader
{
    /// <param name="annotationFile">The instances JSON file.</param>
    /// <param name="imageFolder">The folder the images' file_name values are relative to.</param>
    public static AnnotatedDataset Read(string annotationFile, string imageFolder)
    {
        ArgumentNullException.ThrowIfNull(annotationFile);
        ArgumentNullException.ThrowIfNull(imageFolder);
        if (!File.Exists(annotationFile)) throw new FileNotFoundException($"No COCO annotation file '{annotationFile}'.", annotationFile);

        JsonDocument document;
        try
        {
            using FileStream stream = File.OpenRead(annotationFile);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{annotationFile}: line {(e.LineNumber ?? -1) + 1}: not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var file = new Where(annotationFile);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw file.Error("$", "the top level must be an object");

            var categories = new List<(long Id, string Name)>();
            JsonElement categoryArray = file.Array(root, "categories", "$");
            for (int i = 0; i < categoryArray.GetArrayLength(); i++)
            {
                string at = $"categories[{i}]";
                JsonElement category = file.Object(categoryArray[i], at);
                long id = file.Integer(category, "id", at);
                string name = file.String(category, "name", at);
                if (categories.Any(c => c.Id == id)) throw file.Error(at + ".id", $"category id {id} appears twice");
                if (categories.Any(c => c.Name == name)) throw file.Error(at + ".name", $"category name '{name}' appears twice");
                categories.Add((id, name));
            }
            categories.Sort((a, b) => a.Id.CompareTo(b.Id));
            Dictionary<long, string> categoryNames = categories.ToDictionary(c => c.Id, c => c.Name);

            var images = new List<(long Id, string Path, int Width, int Height)>();
            var imageIndex = new Dictionary<long, int>();
            JsonElement imageArray = file.Array(root, "images", "$");
            for (int i = 0; i < imageArray.GetArrayLength(); i++)
            {
                string at = $"images[{i}]";
                JsonElement image = file.Object(imageArray[i], at);
                long id = file.Integer(image, "id", at);
                string fileName = file.String(image, "file_name", at);
                int width = checked((int)file.Integer(image, "width", at, minimum: 1));
                int height = checked((int)file.Integer(image, "height", at, minimum: 1));
                if (!imageIndex.TryAdd(id, images.Count)) throw file.Error(at + ".id", $"image id {id} appears twice");
                images.Add((id, Path.Combine(imageFolder, fileName), width, height));
            }

            var objects = images.Select(_ => new List<GroundTruthObject>()).ToList();
            if (root.TryGetProperty("annotations", out _))
            {
                JsonElement annotationArray = file.Array(root, "annotations", "$");
                for (int i = 0; i < annotationArray.GetArrayLength(); i++)
                {
                    string at = $"annotations[{i}]";
                    JsonElement annotation = file.Object(annotationArray[i], at);
                    long imageId = file.Integer(annotation, "image_id", at);
                    long categoryId = file.Integer(annotation, "category_id", at);
                    if (!imageIndex.TryGetValue(imageId, out int index))
                        throw file.Error(at + ".image_id", $"no image has id {imageId}");
                    if (!categoryNames.TryGetValue(categoryId, out string? className))
                        throw file.Error(at + ".category_id", $"no category has id {categoryId}");
                    JsonElement bbox = file.Array(annotation, "bbox", at);
                    if (bbox.GetArrayLength() != 4)
                        throw file.Error(at + ".bbox", $"expected [x, y, width, height], got {bbox.GetArrayLength()} values");
                    var v = new double[4];
                    for (int k = 0; k < 4; k++)
                    {
                        if (bbox[k].ValueKind != JsonValueKind.Number || !bbox[k].TryGetDouble(out v[k]) || !double.IsFinite(v[k]))
                            throw file.Error($"{at}.bbox[{k}]", $"expected a number, got {bbox[k].GetRawText()}");
                    }
                    if (v[2] < 0 || v[3] < 0) throw file.Error(at + ".bbox", $"negative width or height in [{string.Join(", ", v)}]");
                    objects[index].Add(new GroundTruthObject(className, BoundingBox.FromCoco(v[0], v[1], v[2], v[3])));
                }
            }

            var result = images.Select((image, i) => new AnnotatedImage(image.Path, image.Width, image.Height, objects[i])).ToList();
            return new AnnotatedDataset(categories.Select(c => c.Name).ToList(), result);
        }
    }

    /// <summary>Typed property access whose errors name the file and the JSON path of the element.</summary>
    private sealed class Where(string file)
    {
        public InvalidDataException Error(string path, string message) => new($"{file}: {path}: {message}");

        public JsonElement Object(JsonElement element, string path) =>
            element.ValueKind == JsonValueKind.Object ? element : throw Error(path, $"expected an object, got {element.ValueKind}");

        public JsonElement Array(JsonElement parent, string name, string path)
        {
            JsonElement value = Property(parent, name, path);
            return value.ValueKind == JsonValueKind.Array ? value : throw Error(Join(path, name), $"expected an array, got {value.ValueKind}");
        }

        public string String(JsonElement parent, string name, string path)
        {
            JsonElement value = Property(parent, name, path);
            return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
                ? s : throw Error(Join(path, name), $"expected a non-empty string, got {value.GetRawText()}");
        }

        public long Integer(JsonElement parent, string name, string path, long minimum = long.MinValue)
        {
            JsonElement value = Property(parent, name, path);
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) && n >= minimum) return n;
            string expected = minimum == long.MinValue ? "an integer" : $"an integer ≥ {minimum}";
            throw Error(Join(path, name), $"expected {expected}, got {value.GetRawText()}");
        }

        private JsonElement Property(JsonElement parent, string name, string path) =>
            parent.TryGetProperty(name, out JsonElement value) ? value : throw Error(path, $"missing \"{name}\"");

        private static string Join(string path, string name) => path == "$" ? name : $"{path}.{name}";
    }
}
