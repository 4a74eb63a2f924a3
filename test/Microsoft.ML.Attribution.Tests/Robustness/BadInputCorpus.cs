using Google.Protobuf;
using Microsoft.ML.Attribution.Imaging;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Onnx.Proto;
using Microsoft.ML.Attribution.Tests.Transforms;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Robustness;

/// <summary>
/// Bad inputs for <c>attribution explain</c>, written into a folder: mutated ONNX files (truncated, flipped, wrong types, cycles,
/// absurd shapes, broken wiring), corrupt and truncated images of every format read, malformed tensors, out-of-range targets and
/// options. Each case names what its error must mention.
/// </summary>
internal sealed class BadInputCorpus
{
    private readonly string _folder;
    private readonly string _model = TransformFixtures.ModelPath;
    private readonly string _image;

    public BadInputCorpus(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        _image = TransformFixtures.DrawShapes(Path.Combine(folder, "good"), 1, size: 64)[0].Path;
    }

    private string[] Explain(string model, string input, params string[] more) =>
        ["--model", model, "--input", input, "--method", "gradient", "--out", Path.Combine(_folder, "out", Guid.NewGuid().ToString("N")[..8]), .. more];

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // ---- ONNX ----

    public IEnumerable<BadInputCase> Models()
    {
        byte[] original = File.ReadAllBytes(_model);
        foreach (double fraction in new[] { 0.0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99 })
        {
            string name = $"model-truncated-{fraction:0.###}.onnx";
            yield return new($"onnx truncated at {fraction:P1}", Explain(Write(name, original[..(int)(original.Length * fraction)]), _image), name);
        }
        var random = new Random(11);
        for (int k = 0; k < 30; k++)
        {
            byte[] flipped = (byte[])original.Clone();
            for (int f = 0, count = 1 + k % 8; f < count; f++)
                flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            string name = $"model-flipped-{k}.onnx";
            yield return new($"onnx with flipped bits #{k}", Explain(Write(name, flipped), _image), name, MaySucceed: true);
        }
        yield return new("onnx that is text", Explain(Write("model-text.onnx", "ir_version: 7\ngraph { }"u8.ToArray()), _image), "model-text.onnx");
        foreach ((string name, Action<ModelProto> mutate, string mentions) in Structural())
        {
            ModelProto model = ModelProto.Parser.ParseFrom(original);
            mutate(model);
            string file = $"model-{name}.onnx";
            yield return new($"onnx {name}", Explain(Write(file, model.ToByteArray()), _image), mentions, MaySucceed: name == "opset-1");
        }
    }

    /// <summary>Structural mutations of a valid model, and what the error must mention.</summary>
    private static IEnumerable<(string Name, Action<ModelProto> Mutate, string Mentions)> Structural()
    {
        static ValueInfoProto Input(ModelProto m) => m.Graph.Input.First(i => m.Graph.Initializer.All(t => t.Name != i.Name));
        static NodeProto FirstConv(ModelProto m) => m.Graph.Node.First(n => n.OpType == "Conv");
        static TensorProto Weight(ModelProto m) => m.Graph.Initializer.First(t => t.Name == FirstConv(m).Input[1]);
        static void SetInts(NodeProto node, string name, params long[] values)
        {
            AttributeProto attribute = node.Attribute.FirstOrDefault(a => a.Name == name)
                ?? new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            if (!node.Attribute.Contains(attribute))
                node.Attribute.Add(attribute);
            attribute.Ints.Clear();
            attribute.Ints.Add(values);
        }

        yield return ("input-int64", m => Input(m).Type.TensorType.ElemType = 7, "input");
        yield return ("input-string", m => Input(m).Type.TensorType.ElemType = 8, "input");
        yield return ("input-undefined-type", m => Input(m).Type.TensorType.ElemType = 0, "input");
        yield return ("input-huge-height", m => Input(m).Type.TensorType.Shape.Dim[2].DimValue = 1_000_000_000, "1000000000");
        yield return ("input-negative-width", m => Input(m).Type.TensorType.Shape.Dim[3].DimValue = -5, "-5");
        yield return ("input-zero-channels", m => Input(m).Type.TensorType.Shape.Dim[1].DimValue = 0, "input");
        yield return ("input-rank-2", m => { var d = Input(m).Type.TensorType.Shape.Dim; while (d.Count > 2) d.RemoveAt(d.Count - 1); }, "input");
        yield return ("initializer-missing", m => m.Graph.Initializer.Remove(Weight(m)), "");
        yield return ("node-input-missing", m => m.Graph.Node[1].Input[0] = "does_not_exist", "does_not_exist");
        yield return ("cycle", m => m.Graph.Node[0].Input[0] = m.Graph.Node[^1].Output[0], "");
        yield return ("unknown-op", m => m.Graph.Node[0].OpType = "FrobnicateOp", "FrobnicateOp");
        yield return ("conv-weight-1d", m => { var w = Weight(m); long n = w.Dims.Aggregate(1L, (a, b) => a * b); w.Dims.Clear(); w.Dims.Add(n); }, "");
        yield return ("conv-weight-too-few-values", m => { var w = Weight(m); w.Dims[0] *= 4; }, "");
        yield return ("conv-weight-raw-truncated", m => { var w = Weight(m); w.RawData = ByteString.CopyFrom(w.RawData.Span[..(w.RawData.Length / 2)]); }, "");
        yield return ("conv-kernel-shape-mismatch", m => SetInts(FirstConv(m), "kernel_shape", 5, 5), "");
        yield return ("conv-strides-zero", m => SetInts(FirstConv(m), "strides", 0, 0), "");
        yield return ("conv-pads-negative", m => SetInts(FirstConv(m), "pads", -3, -3, -3, -3), "");
        yield return ("conv-dilations-zero", m => SetInts(FirstConv(m), "dilations", 0, 0), "");
        yield return ("conv-group-zero", m => { FirstConv(m).Attribute.Add(new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = 0 }); }, "");
        yield return ("conv-group-7", m => { FirstConv(m).Attribute.Add(new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = 7 }); }, "");
        yield return ("no-outputs", m => m.Graph.Output.Clear(), "");
        yield return ("output-unknown", m => m.Graph.Output[0].Name = "nowhere", "nowhere");
        yield return ("opset-1", m => m.OpsetImport[0].Version = 1, ""); // this model's ops mean the same in opset 1: a result is fine
        yield return ("opset-999", m => m.OpsetImport[0].Version = 999, "");
        yield return ("no-nodes", m => m.Graph.Node.Clear(), "");
        yield return ("duplicate-producer", m => m.Graph.Node[1].Output[0] = m.Graph.Node[0].Output[0], "");
        yield return ("nan-weights", m => { var w = Weight(m); w.RawData = ByteString.CopyFrom(Enumerable.Repeat(BitConverter.GetBytes(float.NaN), w.RawData.Length / 4).SelectMany(b => b).ToArray()); }, "");
        yield return ("weight-int64", m => Weight(m).DataType = 7, "");
    }

    // ---- Images ----

    public IEnumerable<BadInputCase> Images()
    {
        using Tensor rgb = ImageIO.Load(_image);
        var formats = new List<(string Extension, byte[] Bytes)>
        {
            ("png", ImageIO.Encode(rgb, "png")),
            ("jpg", ImageIO.Encode(rgb, "jpg")),
            ("webp", ImageIO.Encode(rgb, "webp")),
            ("bmp", Bmp(rgb)),
            ("gif", OnePixelGif),
        };
        var random = new Random(5);
        foreach ((string extension, byte[] bytes) in formats)
        {
            foreach (int length in new[] { 0, 1, 8, 16, bytes.Length / 4, bytes.Length / 2, 3 * bytes.Length / 4, bytes.Length - 1 }.Distinct())
            {
                string name = $"image-{extension}-truncated-{length}.{extension}";
                // Losing only the last byte can leave a decodable image (a GIF's trailer, a PNG's IEND CRC).
                yield return new($"{extension} truncated to {length} bytes", Explain(_model, Write(name, bytes[..length])), name, MaySucceed: length == bytes.Length - 1);
            }
            for (int k = 0; k < 5; k++)
            {
                byte[] flipped = (byte[])bytes.Clone();
                for (int f = 0; f < 1 + k; f++)
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                string name = $"image-{extension}-flipped-{k}.{extension}";
                yield return new($"{extension} with flipped bits #{k}", Explain(_model, Write(name, flipped)), name, MaySucceed: true);
            }
            string header = $"image-{extension}-header-then-noise.{extension}";
            yield return new($"{extension} header then noise", Explain(_model, Write(header, [.. bytes[..Math.Min(16, bytes.Length)], .. Enumerable.Range(0, 200).Select(i => (byte)random.Next(256))])), header, MaySucceed: true);
        }
        yield return new("png declaring 100000×100000 pixels", Explain(_model, Write("image-huge.png", PngHeaderOnly(100_000, 100_000))), "image-huge.png");
        yield return new("png declaring 0×0 pixels", Explain(_model, Write("image-empty.png", PngHeaderOnly(0, 0))), "image-empty.png");
        yield return new("a text file named .png", Explain(_model, Write("image-text.png", "hello"u8.ToArray())), "image-text.png");
        string directory = Path.Combine(_folder, "image-folder.png");
        Directory.CreateDirectory(directory);
        yield return new("an empty folder as input", Explain(_model, directory), "image-folder.png");
        yield return new("a missing file", Explain(_model, Path.Combine(_folder, "nowhere.png")), "nowhere.png");
    }

    /// <summary>A 24-bit bottom-up BMP of an RGB image (BMP's header fields are facts of the format).</summary>
    private static byte[] Bmp(Tensor rgb)
    {
        int height = (int)rgb.shape[0], width = (int)rgb.shape[1], stride = (width * 3 + 3) / 4 * 4;
        byte[] pixels = rgb.ToArray<byte>();
        var bmp = new byte[54 + stride * height];
        "BM"u8.CopyTo(bmp);
        BitConverter.GetBytes(bmp.Length).CopyTo(bmp, 2);
        BitConverter.GetBytes(54).CopyTo(bmp, 10);
        BitConverter.GetBytes(40).CopyTo(bmp, 14);
        BitConverter.GetBytes(width).CopyTo(bmp, 18);
        BitConverter.GetBytes(height).CopyTo(bmp, 22);
        BitConverter.GetBytes((short)1).CopyTo(bmp, 26);
        BitConverter.GetBytes((short)24).CopyTo(bmp, 28);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int source = 3 * (y * width + x), target = 54 + (height - 1 - y) * stride + 3 * x;
                (bmp[target], bmp[target + 1], bmp[target + 2]) = (pixels[source + 2], pixels[source + 1], pixels[source]);
            }
        }
        return bmp;
    }

    /// <summary>A 1×1 GIF89a (header, screen descriptor with a 2-color table, one image, LZW data, trailer).</summary>
    private static readonly byte[] OnePixelGif =
    [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];

    /// <summary>A PNG signature and an IHDR chunk (with its CRC) declaring <paramref name="width"/> × <paramref name="height"/>, then IEND.</summary>
    private static byte[] PngHeaderOnly(int width, int height)
    {
        byte[] BigEndian(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
        byte[] Chunk(string type, byte[] data)
        {
            byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
            return [.. BigEndian(data.Length), .. typed, .. BigEndian((int)Crc32(typed))];
        }
        byte[] header = [.. BigEndian(width), .. BigEndian(height), 8, 2, 0, 0, 0];
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", header), .. Chunk("IEND", [])];
    }

    /// <summary>CRC-32 (polynomial 0xEDB88320, reflected), as PNG chunks carry it.</summary>
    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    // ---- Tensors (.npy inputs) ----

    public IEnumerable<BadInputCase> Tensors()
    {
        (float[][] inputs, _, _) = TransformFixtures.StoredInputs();
        float[] good = inputs[0];
        string Npy(string name, float[] values, long[] shape)
        {
            string path = Path.Combine(_folder, name);
            using Tensor t = tensor(values, shape);
            Maps.Npy.Save(path, t);
            return path;
        }
        float[] With(float value, int count)
        {
            float[] copy = (float[])good.Clone();
            for (int i = 0; i < count; i++)
                copy[i * 97 % copy.Length] = value;
            return copy;
        }
        yield return new("npy with one NaN", Explain(_model, Npy("nan.npy", With(float.NaN, 1), [3, 64, 64])), "nan.npy");
        yield return new("npy with +inf", Explain(_model, Npy("inf.npy", With(float.PositiveInfinity, 3), [3, 64, 64])), "inf.npy");
        yield return new("npy with -inf", Explain(_model, Npy("neginf.npy", With(float.NegativeInfinity, 3), [3, 64, 64])), "neginf.npy");
        yield return new("npy all NaN", Explain(_model, Npy("allnan.npy", Enumerable.Repeat(float.NaN, good.Length).ToArray(), [3, 64, 64])), "allnan.npy");
        yield return new("npy with 1 channel", Explain(_model, Npy("one-channel.npy", good[..4096], [1, 64, 64])), "one-channel.npy");
        yield return new("npy with 4 channels", Explain(_model, Npy("four-channels.npy", [.. good, .. good[..4096]], [4, 64, 64])), "four-channels.npy");
        yield return new("npy 63 high", Explain(_model, Npy("63x64.npy", good[..(3 * 63 * 64)], [3, 63, 64])), "63x64.npy");
        yield return new("npy 65 wide", Explain(_model, Npy("64x65.npy", [.. good, .. good[..(3 * 64)]], [3, 64, 65])), "64x65.npy");
        yield return new("npy 1×1", Explain(_model, Npy("1x1.npy", [0.1f, 0.2f, 0.3f], [3, 1, 1])), "1x1.npy");
        yield return new("npy rank 2", Explain(_model, Npy("rank2.npy", good[..4096], [64, 64])), "rank2.npy");
        yield return new("npy rank 5", Explain(_model, Npy("rank5.npy", good, [1, 1, 3, 64, 64])), "rank5.npy");
        yield return new("npy with a batch of 2", Explain(_model, Npy("batch2.npy", [.. good, .. inputs[1]], [2, 3, 64, 64])), "batch2.npy", MaySucceed: true);
        yield return new("npy with zero elements", Explain(_model, Npy("empty.npy", [], [3, 0, 64])), "empty.npy");
        string int64 = Path.Combine(_folder, "int64.npy");
        using (Tensor t = zeros([3, 64, 64], ScalarType.Int64))
            Maps.Npy.Save(int64, t);
        yield return new("npy of int64", Explain(_model, int64), "int64.npy", MaySucceed: true);
        string float64 = Path.Combine(_folder, "float64.npy");
        using (Tensor t = tensor(good, [3, 64, 64]).to(ScalarType.Float64))
            Maps.Npy.Save(float64, t);
        yield return new("npy of float64", Explain(_model, float64), "float64.npy", MaySucceed: true);
        byte[] npy = File.ReadAllBytes(Npy("good.npy", good, [3, 64, 64]));
        yield return new("npy truncated data", Explain(_model, Write("truncated.npy", npy[..(npy.Length / 2)])), "truncated.npy");
        yield return new("npy truncated header", Explain(_model, Write("header.npy", npy[..20])), "header.npy");
        yield return new("npy without magic", Explain(_model, Write("nomagic.npy", [.. "XXXXXX"u8, .. npy[6..]])), "nomagic.npy");
        string text = System.Text.Encoding.Latin1.GetString(npy);
        yield return new("npy in Fortran order", Explain(_model, Write("fortran.npy", System.Text.Encoding.Latin1.GetBytes(text.Replace("'fortran_order': False", "'fortran_order': True ")))), "fortran.npy", MaySucceed: true);
        yield return new("npy with a negative dimension", Explain(_model, Write("negative.npy", System.Text.Encoding.Latin1.GetBytes(text.Replace("(3, 64, 64)", "(3, -4, 64)")))), "negative.npy");
        yield return new("npy with an absurd dimension", Explain(_model, Write("absurd.npy", System.Text.Encoding.Latin1.GetBytes(text.Replace("(3, 64, 64)", "(3, 99999999999, 64)")))), "absurd.npy");
        yield return new("npy that is empty", Explain(_model, Write("zero-bytes.npy", [])), "zero-bytes.npy");
        yield return new("npy with a header that is not a dict", Explain(_model, Write("notdict.npy", System.Text.Encoding.Latin1.GetBytes(text.Replace("{'descr'", "['descr'")))), "notdict.npy");
        yield return new("npy with an unknown dtype", Explain(_model, Write("dtype.npy", System.Text.Encoding.Latin1.GetBytes(text.Replace("'<f4'", "'<c8'")))), "dtype.npy");
    }

    // ---- Targets and options ----

    public IEnumerable<BadInputCase> Settings()
    {
        foreach (string target in new[] { "-1", "4", "99", "1000000000000", "abc", "1.5" })
            yield return new($"target {target}", Explain(_model, _image, "--target", target), target);
        (string Method, string Option, string Mentions)[] options =
        [
            ("integrated-gradients", "steps=0", "steps"), ("integrated-gradients", "steps=-1", "steps"), ("integrated-gradients", "steps=abc", "steps"),
            ("integrated-gradients", "max-steps=0", "max-steps"), ("integrated-gradients", "blur-sigma=-1", "blur-sigma"),
            ("smoothgrad", "samples=0", "samples"), ("smoothgrad", "noise-level=-1", "noise-level"), ("smoothgrad", "noise-level=NaN", "noise-level"),
            ("occlusion", "window-height=0", "window-height"), ("occlusion", "stride-width=0", "stride-width"), ("occlusion", "window-height=1000", "window-height"),
            ("rise", "mask-count=0", "mask-count"), ("rise", "probability=1.5", "probability"), ("rise", "probability=-0.1", "probability"),
            ("rise", "grid-size=0", "grid-size"), ("dmbp", "iterations=-1", "iterations"), ("dmbp", "learning-rate=NaN", "learning-rate"),
            ("gradcam", "layer=no_such_layer", "no_such_layer"), ("gradient", "frobnicate=1", "frobnicate"), ("lrp-epsilon", "epsilon=NaN", "epsilon"),
        ];
        foreach ((string method, string option, string mentions) in options)
        {
            string[] args = Explain(_model, _image, "--option", $"{method}.{option}");
            args[Array.IndexOf(args, "--method") + 1] = method;
            yield return new($"{method} {option}", args, mentions);
        }
        yield return new("--batch 0", Explain(_model, _image, "--batch", "0"), "--batch");
        yield return new("--batch -3", Explain(_model, _image, "--batch", "-3"), "--batch");
        yield return new("--size 0", Explain(_model, _image, "--size", "0"), "--size");
        yield return new("--size 100000", Explain(_model, _image, "--size", "100000"), "size");
        yield return new("--mean with two values", Explain(_model, _image, "--mean", "0.1,0.2"), "--mean");
        yield return new("--std of zeros", Explain(_model, _image, "--std", "0,0,0"), "--std");
        string[] unknown = Explain(_model, _image);
        unknown[Array.IndexOf(unknown, "--method") + 1] = "no-such-method";
        yield return new("--method unknown", unknown, "no-such-method");
    }
}
