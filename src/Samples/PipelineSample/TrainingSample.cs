using Microsoft.ML;
using Microsoft.ML.Attribution.Transforms;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace PipelineSample;

/// <summary>
/// Attribution maps as features for an ML.NET trainer. Each row is an image and one class (present or not); the label says whether the
/// classifier is right for the right reason — it scores the class as present (logit &gt; 0), the class is present, and the map's maximum
/// falls on one of its boxes. The features need no ground truth: the explained logit, the map's entropy and the share of its energy in
/// its top 5 % of pixels. A logistic regression learns to flag explanations to distrust. <c>AppendCacheCheckpoint</c> right after the
/// attribution keeps the trainer's passes from recomputing the maps.
/// </summary>
public static class TrainingSample
{
    public static int Run(SampleData sample, TextWriter output)
    {
        var mlContext = new MLContext(seed: 1);
        // Every class of every image: present classes carry their boxes, absent ones none (their pointing game reports "No boxes").
        var rows = sample.Rows.GroupBy(r => r.ImagePath).SelectMany(image => Enumerable.Range(0, sample.Classes.Count).Select(k =>
            image.FirstOrDefault(r => r.Label == k) ?? new ImageInput { ImagePath = image.Key, Label = k, Boxes = [] })).ToList();
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        var split = mlContext.Data.TrainTestSplit(data, testFraction: 0.3, seed: 1);

        var mapDefinition = SchemaDefinition.Create(typeof(MapInput));
        mapDefinition[nameof(MapInput.Map)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, sample.Size, sample.Size);
        var pipeline = mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageInput.ImagePath))
            .Append(mlContext.Transforms.Explain(new ExplainOptions
            {
                OutputColumnName = "Map", InputColumnName = "Image", ModelPath = sample.ModelPath, Method = "gradient",
                TargetColumnName = nameof(ImageInput.Label), Mean = sample.Mean, Std = sample.Std,
            }))
            .Append(mlContext.Transforms.PointingGame("Pointing", "Map", nameof(ImageInput.Boxes), tolerance: 1))
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.Transforms.CustomMapping<MapInput, MapFeatures>(MapFeatures.Compute, contractName: null, inputSchemaDefinition: mapDefinition))
            .Append(mlContext.Transforms.Concatenate("Features", nameof(MapFeatures.Logit), nameof(MapFeatures.Entropy), nameof(MapFeatures.TopShare)))
            .Append(mlContext.Transforms.NormalizeMeanVariance("Features"))
            .Append(mlContext.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(MapFeatures.RightForTheRightReason), "Features"));

        using var model = pipeline.Fit(split.TrainSet);
        IDataView predictions = model.Transform(split.TestSet);
        CalibratedBinaryClassificationMetrics metrics = mlContext.BinaryClassification.Evaluate(predictions, nameof(MapFeatures.RightForTheRightReason));
        long positives = mlContext.Data.CreateEnumerable<MapFeatures>(model.Transform(data), reuseRowObject: false).LongCount(f => f.RightForTheRightReason);
        output.WriteLine($"{rows.Count} rows (image × class), {positives} right for the right reason; 70 % trained on, 30 % held out.");
        output.WriteLine($"Held-out rows: accuracy {metrics.Accuracy:F3}, AUC {metrics.AreaUnderRocCurve:F3}, F1 {metrics.F1Score:F3}.");
        return 0;
    }

    /// <summary>The columns the feature mapping reads.</summary>
    public sealed class MapInput
    {
        public float[] Map { get; set; } = [];

        public float MapLogit { get; set; }

        public bool Pointing { get; set; }

        public float[] Boxes { get; set; } = [];
    }

    /// <summary>Features of one map (no ground truth) and the training label (ground truth).</summary>
    public sealed class MapFeatures
    {
        public float Logit { get; set; }

        /// <summary>Shannon entropy of |map| as a distribution over pixels, in bits: low when the map is concentrated.</summary>
        public float Entropy { get; set; }

        /// <summary>The share of Σ|map| in the map's top 5 % of pixels.</summary>
        public float TopShare { get; set; }

        public bool RightForTheRightReason { get; set; }

        public static void Compute(MapInput input, MapFeatures features)
        {
            float[] energy = input.Map.Select(v => float.IsFinite(v) ? Math.Abs(v) : 0).ToArray();
            double total = energy.Sum(v => (double)v);
            features.Logit = float.IsFinite(input.MapLogit) ? input.MapLogit : 0;
            features.Entropy = total > 0 ? (float)-energy.Where(v => v > 0).Sum(v => v / total * Math.Log2(v / total)) : 0;
            features.TopShare = total > 0 ? (float)(energy.OrderDescending().Take(Math.Max(1, energy.Length / 20)).Sum(v => (double)v) / total) : 0;
            features.RightForTheRightReason = input.Boxes.Length > 0 && input.MapLogit > 0 && input.Pointing;
        }
    }
}
