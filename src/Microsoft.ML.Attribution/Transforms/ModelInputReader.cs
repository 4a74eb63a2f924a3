using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Reads one row's model input from an image column or a pixel-vector column into a planar, normalized [C, H, W] buffer, or says why it
/// cannot (the row's error text). Getters are taken once per cursor; upstream exceptions become error texts.
/// </summary>
internal abstract class ModelInputReader
{
    protected ModelInputReader(string columnName, ModelInputShape shape, PixelNormalization normalization)
    {
        ColumnName = columnName;
        Shape = shape;
        Normalization = normalization;
    }

    public string ColumnName { get; }

    public ModelInputShape Shape { get; }

    protected PixelNormalization Normalization { get; }

    public static ModelInputReader Create(DataViewRow row, DataViewSchema.Column column, ModelInputShape shape, ExplainOptions options) =>
        column.Type is ImageDataViewType
            ? new ImageInputReader(row.GetGetter<MLImage>(column), column.Name, shape, MakeNormalization(options, shape, 1 / 255f), options.ResizeToModelInput)
            : new PixelVectorInputReader(row.GetGetter<VBuffer<float>>(column), column.Name, shape, MakeNormalization(options, shape, 1), options.InputLayout);

    /// <summary>Fills <paramref name="destination"/> (length C·H·W) and returns null, or returns why the row has no usable input.</summary>
    public string? Read(float[] destination)
    {
        string? error;
        try
        {
            error = ReadRaw(destination);
        }
        catch (Exception e) when (UpstreamErrors.IsRowError(e))
        {
            return UpstreamErrors.Describe(e, ColumnName);
        }
        if (error is not null)
            return error;
        foreach (float v in destination)
        {
            if (!float.IsFinite(v))
                return $"Missing input: column '{ColumnName}' holds NaN or infinite values (the image is missing or failed to load upstream).";
        }
        Normalization.Apply(destination, Shape.Channels);
        return null;
    }

    /// <summary>Copies the raw values in planar order (before normalization); returns an error text for a row of the wrong size.</summary>
    protected abstract string? ReadRaw(float[] destination);

    private static PixelNormalization MakeNormalization(ExplainOptions options, ModelInputShape shape, float defaultScale) =>
        new(options.Scale ?? defaultScale, options.Mean, options.Std, shape.Channels);
}
