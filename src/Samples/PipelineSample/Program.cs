// The ML.NET samples, on the bundled shapes model and images unless told otherwise:
//
//   dotnet run --project src/Samples/PipelineSample                    # Model Builder-style: ApplyOnnxModel + Dmbp + PointingGame, a table
//   dotnet run --project src/Samples/PipelineSample -- train           # attribution features → a trainer (right for the right reason?)
//   dotnet run --project src/Samples/PipelineSample -- score [FOLDER|CSV] [METHOD] [OUT]   # batch scoring into maps.idv + scores.tsv
//
// Each takes, after its own arguments, "--data MODEL.onnx VOC_FOLDER [SIZE [MEAN_R,G,B STD_R,G,B]]" for another model and dataset.
using System.Globalization;
using PipelineSample;

string mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "pipeline";
string[] own = args.SkipWhile(a => a == mode).TakeWhile(a => a != "--data").ToArray();
string[] data = args.SkipWhile(a => a != "--data").Skip(1).ToArray();
try
{
    return mode switch
    {
        "pipeline" => ModelBuilderSample.Run(SampleData.Load(data, maxImages: 12, everyClass: false),
            iterations: own.Length > 1 && own[0] == "--iterations" ? int.Parse(own[1], CultureInfo.InvariantCulture) : 40, Console.Out),
        "train" => TrainingSample.Run(SampleData.Load(data, maxImages: 40, everyClass: true), Console.Out),
        "score" => Score(own, data),
        _ => throw new ArgumentException($"Unknown sample '{mode}': pipeline, train or score."),
    };
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static int Score(string[] own, string[] data)
{
    SampleData sample = SampleData.Load(data, maxImages: 0, everyClass: false);
    string source = own.Length > 0 && own[0].Length > 0 ? own[0] : Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(sample.ModelPath))!, "shapes-voc", "JPEGImages");
    return BatchScoringSample.Run(sample, source, own.Length > 1 ? own[1] : "gradient", own.Length > 2 ? own[2] : "attribution-scores", Console.Out);
}
