using System.Reflection;
using System.Runtime.ExceptionServices;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// An implementation of interface <typeparamref name="T"/> that runs a hook before forwarding each call to a real
/// one (a <see cref="DispatchProxy"/>): a test holds or fails a chosen call of a real store without mocking the rest.
/// </summary>
public class Intercepted<T> : DispatchProxy where T : class
{
    private T _inner = null!;
    private Action<MethodInfo, object?[]> _before = null!;

    /// <param name="before">Called with the interface method and its arguments; it may block or throw.</param>
    public static T Wrap(T inner, Action<MethodInfo, object?[]> before)
    {
        var proxy = Create<T, Intercepted<T>>();
        var self = (Intercepted<T>)(object)proxy;
        self._inner = inner;
        self._before = before;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(method);
        _before(method, args ?? []);
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }
}
