namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// An image column of <see cref="Height"/> × <see cref="Width"/> pixels (0 × 0 = size unknown). The CLR class that holds the pixels is
/// supplied by whoever defines image columns (the image transforms), so this type does not depend on an image library.
/// Values are references; <c>null</c> means a missing image.
/// </summary>
public sealed class ImageDataViewType : StructuredDataViewType
{
    /// <summary>An image type of unknown size whose values are <paramref name="imageType"/> instances.</summary>
    public ImageDataViewType(Type imageType)
        : this(imageType, 0, 0)
    {
    }

    public ImageDataViewType(Type imageType, int height, int width)
        : base(CheckImageType(imageType))
    {
        if (height < 0 || width < 0 || (height == 0) != (width == 0))
            throw new ArgumentOutOfRangeException(nameof(height), $"Image size must be both positive or both 0 (unknown), got {height} x {width}.");
        Height = height;
        Width = width;
    }

    public int Height { get; }

    public int Width { get; }

    public bool IsKnownSize => Height > 0;

    public override bool Equals(DataViewType? other) =>
        other is ImageDataViewType image && image.RawType == RawType && image.Height == Height && image.Width == Width;

    public override int GetHashCode() => HashCode.Combine(RawType, Height, Width);

    public override string ToString() => IsKnownSize ? $"Image<{Height}, {Width}>" : "Image";

    private static Type CheckImageType(Type imageType)
    {
        ArgumentNullException.ThrowIfNull(imageType);
        // Missing images are null references, so value types cannot represent them.
        if (imageType.IsValueType)
            throw new ArgumentException($"An image type must be a reference type, got '{imageType.Name}'.", nameof(imageType));
        return imageType;
    }
}
