namespace OrleansSweeps.Silo.Sites;

/// <summary>Disposes what it was given (null ones skipped), last first.</summary>
internal sealed class Scope(params IDisposable?[] parts) : IDisposable
{
    public static IDisposable Of(params IDisposable?[] parts) => new Scope(parts);

    public void Dispose()
    {
        for (var i = parts.Length - 1; i >= 0; i--) parts[i]?.Dispose();
    }
}
