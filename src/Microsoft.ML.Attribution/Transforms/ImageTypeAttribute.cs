using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Declares an <see cref="MLImage"/> member of a row class as an image column of a known size (ML.NET's <c>[ImageType(height, width)]</c>),
/// e.g. for <c>LoadFromEnumerable</c> over images created in code.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class ImageTypeAttribute : DataViewTypeAttribute
{
    /// <summary>An image column of unknown size.</summary>
    public ImageTypeAttribute()
    {
    }

    public ImageTypeAttribute(int height, int width)
    {
        if (height < 1 || width < 1)
            throw new ArgumentOutOfRangeException(height < 1 ? nameof(height) : nameof(width), "Image height and width must be positive.");
        Height = height;
        Width = width;
    }

    public int Height { get; }

    public int Width { get; }

    public override DataViewType GetDataViewType(Type memberType)
    {
        if (memberType != typeof(MLImage))
            throw new ArgumentException($"[ImageType] needs a member of type MLImage, got {memberType.Name}.", nameof(memberType));
        return new ImageDataViewType(typeof(MLImage), Height, Width);
    }
}
