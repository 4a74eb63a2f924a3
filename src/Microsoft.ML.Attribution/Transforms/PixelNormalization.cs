namespace Microsoft.ML.Attribution.Transforms;

/// <summary>value = (raw · Scale − Mean[c]) / Std[c], per channel of a planar [C, H, W] buffer. ML.NET has no per-channel normalization.</summary>
internal sealed class PixelNormalization
{
    private readonly float _scale;
    private readonly float[] _mean, _std;

    public PixelNormalization(float scale, float[]? mean, float[]? std, int channels)
    {
        if (!float.IsFinite(scale) || scale == 0)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "Scale must be a finite, non-zero number.");
        _scale = scale;
        _mean = PerChannel(mean, channels, 0, nameof(mean));
        _std = PerChannel(std, channels, 1, nameof(std));
        if (_std.Any(s => !(s > 0) || !float.IsFinite(s)))
            throw new ArgumentOutOfRangeException(nameof(std), $"Std must be positive and finite; got {string.Join(", ", _std)}.");
        if (_mean.Any(m => !float.IsFinite(m)))
            throw new ArgumentOutOfRangeException(nameof(mean), $"Mean must be finite; got {string.Join(", ", _mean)}.");
    }

    public void Apply(Span<float> planar, int channels)
    {
        int plane = planar.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            float scale = _scale, mean = _mean[c], std = _std[c];
            Span<float> values = planar.Slice(c * plane, plane);
            for (int i = 0; i < values.Length; i++)
                values[i] = (values[i] * scale - mean) / std;
        }
    }

    public void ApplyInterleaved(Span<float> interleaved, int channels)
    {
        for (int i = 0; i < interleaved.Length; i++)
        {
            int c = i % channels;
            interleaved[i] = (interleaved[i] * _scale - _mean[c]) / _std[c];
        }
    }

    private static float[] PerChannel(float[]? values, int channels, float fallback, string name)
    {
        if (values is null)
            return Enumerable.Repeat(fallback, channels).ToArray();
        if (values.Length == 1)
            return Enumerable.Repeat(values[0], channels).ToArray();
        if (values.Length != channels)
            throw new ArgumentException($"{char.ToUpperInvariant(name[0])}{name[1..]} has {values.Length} values; the model takes {channels} channel(s) (give one per channel, or one for all).", name);
        return values.ToArray();
    }
}
