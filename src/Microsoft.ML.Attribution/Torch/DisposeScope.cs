using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost scope; disposing the scope disposes them.
/// Results leave with <see cref="Tensor.MoveToOuterDisposeScope"/>. Create with <c>torch.NewDisposeScope()</c>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    private readonly HashSet<Tensor> _tensors = new(ReferenceEqualityComparer.Instance);

    internal DisposeScope(DisposeScope? outer) => Outer = outer;

    /// <summary>The scope that was innermost when this one was opened (null at the outermost level).</summary>
    public DisposeScope? Outer { get; }

    public bool IsDisposed { get; private set; }

    /// <summary>Tensors currently owned by this scope.</summary>
    public int Count => _tensors.Count;

    /// <summary>Takes ownership of a tensor (removing it from its previous scope).</summary>
    public Tensor Attach(Tensor tensor)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        tensor.OwningScope?._tensors.Remove(tensor);
        tensor.OwningScope = this;
        _tensors.Add(tensor);
        return tensor;
    }

    /// <summary>Releases ownership: the caller becomes responsible for disposing the tensor.</summary>
    public Tensor Detach(Tensor tensor)
    {
        if (tensor.OwningScope == this)
        {
            _tensors.Remove(tensor);
            tensor.OwningScope = null;
        }
        return tensor;
    }

    /// <summary>Moves the tensor to the enclosing scope (or detaches it at the outermost level).</summary>
    public Tensor MoveToOuter(Tensor tensor) => Outer is { IsDisposed: false } outer ? outer.Attach(tensor) : Detach(tensor);

    /// <summary>Disposes every owned tensor except <paramref name="keep"/>, which stay owned.</summary>
    public void DisposeEverythingBut(params Tensor[] keep)
    {
        var kept = new HashSet<Tensor>(keep, ReferenceEqualityComparer.Instance);
        foreach (Tensor t in _tensors.Where(t => !kept.Contains(t)).ToList()) t.Dispose();
    }

    internal void Forget(Tensor tensor) => _tensors.Remove(tensor);

    public void Dispose()
    {
        if (IsDisposed) return;
        foreach (Tensor t in _tensors.ToList())
        {
            t.OwningScope = null;
            t.Dispose();
        }
        _tensors.Clear();
        IsDisposed = true;
        DisposeScopeManager.Pop(this);
    }
}
