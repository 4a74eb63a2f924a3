namespace Microsoft.ML.Attribution.Torch;

/// <summary>What a oneDNN convolution does to its result in the same pass (saves a read and a write of the output).</summary>
[Flags]
internal enum ConvolutionEpilogue
{
    None = 0,

    /// <summary>max(0, ·): a ReLU that is the output's only reader.</summary>
    Relu = 1,

    /// <summary>+ the tensor the result is written into: a residual join whose other operand dies there.</summary>
    Accumulate = 2,
}
