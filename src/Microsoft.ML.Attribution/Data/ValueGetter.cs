namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Reads the current row's value of one column. The value is passed by <c>ref</c> so that the caller's buffers
/// (a <see cref="VBuffer{T}"/>'s arrays) can be reused from row to row.
/// </summary>
public delegate void ValueGetter<TValue>(ref TValue value);
