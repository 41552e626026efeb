namespace OrleansSweeps.Silo.Hosting;

/// <summary>
/// The embedded silo's exclusive hold on a home (<c>{home}/silo.lock</c>, an OS file lock released when the
/// process dies, even by SIGKILL). Holding it proves no other embedded silo is alive on this home, so the
/// leases left by dead ones can be freed at once instead of waiting for them to expire.
/// </summary>
public sealed class HomeLock : IDisposable
{
    public const string FileName = "silo.lock";

    private readonly FileStream _file;

    private HomeLock(FileStream file) => _file = file;

    /// <summary>Takes the lock; throws <see cref="IOException"/> naming the home when another process holds it.</summary>
    public static HomeLock Acquire(string home)
    {
        var path = Path.Combine(Path.GetFullPath(home), FileName);
        try
        {
            return new HomeLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"home '{Path.GetDirectoryName(path)}': another sweeps process is running a silo on it ({e.Message})", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
