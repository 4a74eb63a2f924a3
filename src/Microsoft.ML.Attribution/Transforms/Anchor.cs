namespace Microsoft.ML.Attribution.Transforms;

/// <summary>Which part of the image <see cref="ResizingKind.IsoCrop"/> keeps, or where <see cref="ResizingKind.IsoPad"/> places it (ML.NET's values).</summary>
public enum Anchor : byte
{
    Right = 0,
    Left = 1,
    Top = 2,
    Bottom = 3,
    Center = 4,
}
