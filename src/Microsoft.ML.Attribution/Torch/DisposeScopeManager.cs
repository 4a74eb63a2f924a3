using static Microsoft.ML.Attribution.Torch.torch;

namespace Microsoft.ML.Attribution.Torch;

/// <summary>The per-thread stack of dispose scopes (scopes do not cross threads, as in TorchSharp).</summary>
internal static class DisposeScopeManager
{
    [ThreadStatic] private static DisposeScope? t_current;

    internal static DisposeScope? Current => t_current;

    internal static DisposeScope Push()
    {
        var scope = new DisposeScope(t_current);
        t_current = scope;
        return scope;
    }

    /// <summary>Closes a scope; scopes disposed out of order unwind to the nearest still-open outer scope.</summary>
    internal static void Pop(DisposeScope scope)
    {
        if (t_current != scope) return;
        DisposeScope? next = scope.Outer;
        while (next is { IsDisposed: true }) next = next.Outer;
        t_current = next;
    }

    internal static void Register(Tensor tensor)
    {
        DisposeScope? scope = t_current;
        while (scope is { IsDisposed: true }) scope = scope.Outer;
        scope?.Attach(tensor);
    }
}
