namespace Microsoft.ML.Attribution.Torch.Native;

// Op codes shared with native/TensorMath.cpp (the numbers must match its switch statements).

internal enum UnaryOp
{
    Neg = 0, Abs = 1, Sign = 2, Relu = 3, Exp = 4, Log = 5, Sqrt = 6, Rsqrt = 7, Sigmoid = 8, Tanh = 9,
    Reciprocal = 10, Floor = 11, Ceil = 12, Round = 13, LogicalNot = 14, IsNan = 15, IsInf = 16, IsFinite = 17,
    Square = 18, Log1p = 19, Expm1 = 20, Sin = 21, Cos = 22, Trunc = 23, Signbit = 24,
}

internal enum BinaryOp
{
    Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Eq = 5, Ne = 6, Lt = 7, Le = 8, Gt = 9, Ge = 10,
    Remainder = 11, Fmod = 12, Maximum = 20, Minimum = 21, LogicalAnd = 22, LogicalOr = 23, LogicalXor = 24, Atan2 = 25,
}

internal enum ReductionOp
{
    Sum = 0, Mean = 1, Amax = 2, Amin = 3, Prod = 4, LogSumExp = 5, Any = 6, All = 7, Norm = 8, Var = 9, Std = 10, CountNonzero = 11,
}

/// <summary>How a scalar crosses the ABI: float, integer or bool (so integer tensors stay integral).</summary>
internal enum ScalarKind : sbyte
{
    Float = 0, Int = 1, Bool = 2,
}
