using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

public static partial class torch
{
    public sealed partial class Tensor
    {
        private Tensor Unary(UnaryOp op) => NativeResult.Wrap(NativeMethods.MLATensor_unary(Handle, (int)op), Name(op), this);

        private Tensor UnaryInPlace(UnaryOp op)
        {
            NativeResult.Check(NativeMethods.MLATensor_unary_(Handle, (int)op), Name(op) + "_", this);
            return this;
        }

        private Tensor Binary(Tensor other, BinaryOp op, double alpha = 1) =>
            NativeResult.Wrap(NativeMethods.MLATensor_binary(Handle, other.Handle, (int)op, alpha), Name(op), this, other);

        private Tensor Binary(double other, BinaryOp op, double alpha = 1) =>
            NativeResult.Wrap(NativeMethods.MLATensor_binary_scalar(Handle, other, (long)other, (sbyte)ScalarKind.Float, (int)op, alpha), Name(op), this);

        private Tensor Binary(long other, BinaryOp op, double alpha = 1) =>
            NativeResult.Wrap(NativeMethods.MLATensor_binary_scalar(Handle, other, other, (sbyte)ScalarKind.Int, (int)op, alpha), Name(op), this);

        private Tensor BinaryInPlace(Tensor other, BinaryOp op, double alpha = 1)
        {
            NativeResult.Check(NativeMethods.MLATensor_binary_(Handle, other.Handle, (int)op, alpha), Name(op) + "_", this, other);
            return this;
        }

        private Tensor BinaryInPlace(double other, BinaryOp op, double alpha = 1)
        {
            NativeResult.Check(NativeMethods.MLATensor_binary_scalar_(Handle, other, (long)other, (sbyte)ScalarKind.Float, (int)op, alpha), Name(op) + "_", this);
            return this;
        }

        private static string Name(UnaryOp op) => op.ToString().ToLowerInvariant();

        private static string Name(BinaryOp op) => op.ToString().ToLowerInvariant();

        public Tensor neg() => Unary(UnaryOp.Neg);
        public Tensor abs() => Unary(UnaryOp.Abs);
        public Tensor sign() => Unary(UnaryOp.Sign);
        public Tensor relu() => Unary(UnaryOp.Relu);
        public Tensor exp() => Unary(UnaryOp.Exp);
        public Tensor log() => Unary(UnaryOp.Log);
        public Tensor sqrt() => Unary(UnaryOp.Sqrt);
        public Tensor rsqrt() => Unary(UnaryOp.Rsqrt);
        public Tensor sigmoid() => Unary(UnaryOp.Sigmoid);
        public Tensor tanh() => Unary(UnaryOp.Tanh);
        public Tensor reciprocal() => Unary(UnaryOp.Reciprocal);
        public Tensor floor() => Unary(UnaryOp.Floor);
        public Tensor ceil() => Unary(UnaryOp.Ceil);
        public Tensor round() => Unary(UnaryOp.Round);
        public Tensor trunc() => Unary(UnaryOp.Trunc);
        public Tensor square() => Unary(UnaryOp.Square);
        public Tensor log1p() => Unary(UnaryOp.Log1p);
        public Tensor expm1() => Unary(UnaryOp.Expm1);
        public Tensor sin() => Unary(UnaryOp.Sin);
        public Tensor cos() => Unary(UnaryOp.Cos);
        public Tensor logical_not() => Unary(UnaryOp.LogicalNot);
        public Tensor isnan() => Unary(UnaryOp.IsNan);
        public Tensor isinf() => Unary(UnaryOp.IsInf);
        public Tensor isfinite() => Unary(UnaryOp.IsFinite);
        public Tensor signbit() => Unary(UnaryOp.Signbit);

        public Tensor neg_() => UnaryInPlace(UnaryOp.Neg);
        public Tensor abs_() => UnaryInPlace(UnaryOp.Abs);
        public Tensor relu_() => UnaryInPlace(UnaryOp.Relu);
        public Tensor exp_() => UnaryInPlace(UnaryOp.Exp);
        public Tensor sqrt_() => UnaryInPlace(UnaryOp.Sqrt);
        public Tensor sign_() => UnaryInPlace(UnaryOp.Sign);
        public Tensor square_() => UnaryInPlace(UnaryOp.Square);
        public Tensor reciprocal_() => UnaryInPlace(UnaryOp.Reciprocal);

        /// <summary>this + alpha·other (broadcast).</summary>
        public Tensor add(Tensor other, double alpha = 1) => Binary(other, BinaryOp.Add, alpha);
        public Tensor add(double other) => Binary(other, BinaryOp.Add);
        public Tensor add(long other) => Binary(other, BinaryOp.Add);
        /// <summary>this − alpha·other (broadcast).</summary>
        public Tensor sub(Tensor other, double alpha = 1) => Binary(other, BinaryOp.Sub, alpha);
        public Tensor sub(double other) => Binary(other, BinaryOp.Sub);
        public Tensor sub(long other) => Binary(other, BinaryOp.Sub);
        public Tensor mul(Tensor other) => Binary(other, BinaryOp.Mul);
        public Tensor mul(double other) => Binary(other, BinaryOp.Mul);
        public Tensor mul(long other) => Binary(other, BinaryOp.Mul);
        public Tensor div(Tensor other) => Binary(other, BinaryOp.Div);
        public Tensor div(double other) => Binary(other, BinaryOp.Div);
        public Tensor pow(Tensor exponent) => Binary(exponent, BinaryOp.Pow);
        public Tensor pow(double exponent) => Binary(exponent, BinaryOp.Pow);
        public Tensor remainder(Tensor other) => Binary(other, BinaryOp.Remainder);
        public Tensor remainder(double other) => Binary(other, BinaryOp.Remainder);
        public Tensor fmod(double other) => Binary(other, BinaryOp.Fmod);
        public Tensor maximum(Tensor other) => Binary(other, BinaryOp.Maximum);
        public Tensor minimum(Tensor other) => Binary(other, BinaryOp.Minimum);
        public Tensor atan2(Tensor other) => Binary(other, BinaryOp.Atan2);
        public Tensor logical_and(Tensor other) => Binary(other, BinaryOp.LogicalAnd);
        public Tensor logical_or(Tensor other) => Binary(other, BinaryOp.LogicalOr);
        public Tensor logical_xor(Tensor other) => Binary(other, BinaryOp.LogicalXor);

        public Tensor eq(Tensor other) => Binary(other, BinaryOp.Eq);
        public Tensor eq(double other) => Binary(other, BinaryOp.Eq);
        public Tensor ne(Tensor other) => Binary(other, BinaryOp.Ne);
        public Tensor ne(double other) => Binary(other, BinaryOp.Ne);
        public Tensor lt(Tensor other) => Binary(other, BinaryOp.Lt);
        public Tensor lt(double other) => Binary(other, BinaryOp.Lt);
        public Tensor le(Tensor other) => Binary(other, BinaryOp.Le);
        public Tensor le(double other) => Binary(other, BinaryOp.Le);
        public Tensor gt(Tensor other) => Binary(other, BinaryOp.Gt);
        public Tensor gt(double other) => Binary(other, BinaryOp.Gt);
        public Tensor ge(Tensor other) => Binary(other, BinaryOp.Ge);
        public Tensor ge(double other) => Binary(other, BinaryOp.Ge);

        public Tensor add_(Tensor other, double alpha = 1) => BinaryInPlace(other, BinaryOp.Add, alpha);
        public Tensor add_(double other) => BinaryInPlace(other, BinaryOp.Add);
        public Tensor sub_(Tensor other, double alpha = 1) => BinaryInPlace(other, BinaryOp.Sub, alpha);
        public Tensor sub_(double other) => BinaryInPlace(other, BinaryOp.Sub);
        public Tensor mul_(Tensor other) => BinaryInPlace(other, BinaryOp.Mul);
        public Tensor mul_(double other) => BinaryInPlace(other, BinaryOp.Mul);
        public Tensor div_(Tensor other) => BinaryInPlace(other, BinaryOp.Div);
        public Tensor div_(double other) => BinaryInPlace(other, BinaryOp.Div);
        public Tensor pow_(double exponent) => BinaryInPlace(exponent, BinaryOp.Pow);

        /// <summary>Clamps into [min, max]; either bound may be omitted.</summary>
        public Tensor clamp(double? min = null, double? max = null)
        {
            if (min is null && max is null) throw new ArgumentException("clamp needs at least one of min and max.");
            return NativeResult.Wrap(NativeMethods.MLATensor_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0), "clamp", this);
        }

        /// <summary>Element-wise bounds (broadcast); either may be null.</summary>
        public Tensor clamp(Tensor? min, Tensor? max)
        {
            if (min is null && max is null) throw new ArgumentException("clamp needs at least one of min and max.");
            return NativeResult.Wrap(NativeMethods.MLATensor_clamp_tensors(Handle, min?.Handle ?? TensorHandle.Null, max?.Handle ?? TensorHandle.Null),
                "clamp", this, min, max);
        }

        public Tensor clamp_min(double min) => clamp(min, null);
        public Tensor clamp_max(double max) => clamp(null, max);

        public Tensor masked_fill(Tensor mask, double value) =>
            NativeResult.Wrap(NativeMethods.MLATensor_masked_fill(Handle, mask.Handle, value, (long)value, (sbyte)ScalarKind.Float), "masked_fill", this, mask);

        public Tensor softmax(long dim) => NativeResult.Wrap(NativeMethods.MLATensor_softmax(Handle, dim, 0), "softmax", this);
        public Tensor log_softmax(long dim) => NativeResult.Wrap(NativeMethods.MLATensor_softmax(Handle, dim, 1), "log_softmax", this);
        public Tensor cumsum(long dim) => NativeResult.Wrap(NativeMethods.MLATensor_cumsum(Handle, dim), "cumsum", this);

        public Tensor matmul(Tensor other) => NativeResult.Wrap(NativeMethods.MLATensor_matmul(Handle, other.Handle), "matmul", this, other);
        public Tensor mm(Tensor other) => NativeResult.Wrap(NativeMethods.MLATensor_mm(Handle, other.Handle), "mm", this, other);
        public Tensor bmm(Tensor other) => NativeResult.Wrap(NativeMethods.MLATensor_bmm(Handle, other.Handle), "bmm", this, other);

        public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
        public static Tensor operator +(Tensor a, double b) => a.add(b);
        public static Tensor operator +(double a, Tensor b) => b.add(a);
        public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
        public static Tensor operator -(Tensor a, double b) => a.sub(b);
        public static Tensor operator -(double a, Tensor b) => ScalarFirst(a, b, BinaryOp.Sub);
        public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
        public static Tensor operator *(Tensor a, double b) => a.mul(b);
        public static Tensor operator *(double a, Tensor b) => b.mul(a);
        public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
        public static Tensor operator /(Tensor a, double b) => a.div(b);
        public static Tensor operator /(double a, Tensor b) => ScalarFirst(a, b, BinaryOp.Div);
        public static Tensor operator +(Tensor a, long b) => a.add(b);
        public static Tensor operator -(Tensor a, long b) => a.sub(b);
        public static Tensor operator *(Tensor a, long b) => a.mul(b);
        public static Tensor operator -(Tensor a) => a.neg();

        private static Tensor ScalarFirst(double a, Tensor b, BinaryOp op) =>
            NativeResult.Wrap(NativeMethods.MLATensor_scalar_binary(a, (long)a, (sbyte)ScalarKind.Float, b.Handle, (int)op), Name(op), b);
    }

    public static Tensor abs(Tensor t) => t.abs();
    public static Tensor sign(Tensor t) => t.sign();
    public static Tensor relu(Tensor t) => t.relu();
    public static Tensor exp(Tensor t) => t.exp();
    public static Tensor log(Tensor t) => t.log();
    public static Tensor sqrt(Tensor t) => t.sqrt();
    public static Tensor sigmoid(Tensor t) => t.sigmoid();
    public static Tensor tanh(Tensor t) => t.tanh();
    public static Tensor square(Tensor t) => t.square();
    public static Tensor pow(Tensor t, double exponent) => t.pow(exponent);
    public static Tensor pow(Tensor t, Tensor exponent) => t.pow(exponent);
    public static Tensor clamp(Tensor t, double? min = null, double? max = null) => t.clamp(min, max);
    public static Tensor maximum(Tensor a, Tensor b) => a.maximum(b);
    public static Tensor minimum(Tensor a, Tensor b) => a.minimum(b);
    public static Tensor isnan(Tensor t) => t.isnan();
    public static Tensor matmul(Tensor a, Tensor b) => a.matmul(b);
    public static Tensor mm(Tensor a, Tensor b) => a.mm(b);
    public static Tensor bmm(Tensor a, Tensor b) => a.bmm(b);
    public static Tensor softmax(Tensor t, long dim) => t.softmax(dim);
    public static Tensor log_softmax(Tensor t, long dim) => t.log_softmax(dim);

    /// <summary>beta·c + alpha·(a @ b).</summary>
    public static Tensor addmm(Tensor c, Tensor a, Tensor b, double beta = 1, double alpha = 1) =>
        NativeResult.Wrap(NativeMethods.MLATensor_addmm(c.Handle, a.Handle, b.Handle, beta, alpha), "addmm", c, a, b);

    /// <summary>Elements of <paramref name="a"/> where <paramref name="condition"/> holds, else of <paramref name="b"/> (broadcast).</summary>
    public static Tensor where(Tensor condition, Tensor a, Tensor b) =>
        NativeResult.Wrap(NativeMethods.MLATensor_where(condition.Handle, a.Handle, b.Handle), "where", condition, a, b);

    public static Tensor where(Tensor condition, Tensor a, double b)
    {
        using Tensor other = full(Array.Empty<long>(), b, a.dtype, a.device);
        return where(condition, a, other);
    }

    public static Tensor where(Tensor condition, double a, Tensor b)
    {
        using Tensor first = full(Array.Empty<long>(), a, b.dtype, b.device);
        return where(condition, first, b);
    }
}
