namespace Microsoft.ML.Attribution.Graph.Layers;

/// <summary>The element-wise operation of an <see cref="Arithmetic"/> layer.</summary>
public enum ArithmeticOp
{
    Add,
    Sub,
    Mul,
    Div,
}
