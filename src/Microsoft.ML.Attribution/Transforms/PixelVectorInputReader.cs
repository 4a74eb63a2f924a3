using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>A Vector&lt;Single&gt; input (<c>ExtractPixels</c>), planar or interleaved; its length must be the model's C·H·W.</summary>
internal sealed class PixelVectorInputReader(ValueGetter<VBuffer<float>> getter, string columnName, ModelInputShape shape, PixelNormalization normalization, PixelLayout layout)
    : ModelInputReader(columnName, shape, normalization)
{
    private VBuffer<float> _buffer;
    private float[] _interleaved = [];

    protected override string? ReadRaw(float[] destination)
    {
        getter(ref _buffer);
        if (_buffer.Length != Shape.Length)
            return DescribeWrongLength(_buffer.Length);
        if (layout == PixelLayout.Planar)
        {
            _buffer.CopyTo(destination);
            return null;
        }
        if (_interleaved.Length != Shape.Length)
            _interleaved = new float[Shape.Length];
        _buffer.CopyTo(_interleaved);
        int channels = Shape.Channels, plane = Shape.Height * Shape.Width;
        for (int p = 0; p < plane; p++)
        {
            for (int c = 0; c < channels; c++)
                destination[c * plane + p] = _interleaved[p * channels + c];
        }
        return null;
    }

    private string DescribeWrongLength(int length)
    {
        int plane = Shape.Height * Shape.Width;
        if (length > 0 && length % plane == 0)
            return $"Wrong channel count: column '{ColumnName}' holds {length / plane} channel(s) of {Shape.Height}×{Shape.Width}; the model takes {Shape.Channels}.";
        return $"Wrong input size: column '{ColumnName}' holds {length} values; the model takes {Shape} = {Shape.Length}.";
    }
}
