using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Hosting;

/// <summary>
/// The embedded silo's exclusive hold on a home (<c>{home}/silo.lock</c>, an OS file lock released when the
/// process dies, even by SIGKILL). Holding it proves no other embedded silo is alive on this home, so the
/// runs a dead one left running can be queued again at once.
/// </summary>
public sealed class HomeLock : IDisposable
{
    public const string FileName = "silo.lock";

    /// <summary>
    /// How long <see cref="Acquire"/> keeps trying: a <see cref="IsHeld"/> probe (<c>sweeps status</c>) holds a shared
    /// lock for microseconds, and a silo starting at that moment must not take it for another silo.
    /// </summary>
    private static readonly TimeSpan ProbePatience = TimeSpan.FromMilliseconds(200);

    private readonly FileStream _file;

    private HomeLock(FileStream file) => _file = file;

    /// <summary>Takes the lock; throws <see cref="IOException"/> naming the home when another process holds it.</summary>
    public static HomeLock Acquire(string home)
    {
        var path = Path.Combine(Path.GetFullPath(home), FileName);
        // A read-only home fails to open the lock file too: that is no other process's lock.
        if (Directory.Exists(home) && !Writable.Directory(home))
            throw new StorageUnavailableException($"home '{Path.GetFullPath(home)}': read-only; a silo cannot run on it (reading verbs: status, results, report work)");
        var deadline = DateTime.UtcNow + ProbePatience;
        while (true)
        {
            try
            {
                return new HomeLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new IOException($"home '{Path.GetDirectoryName(path)}': another sweeps process is running a silo on it ({e.Message})", e);
            }
        }
    }

    /// <summary>
    /// Whether a process holds the home's lock now (a silo runs on it). The probe is a shared lock, taken and released
    /// at once; it never creates the file.
    /// </summary>
    public static bool IsHeld(string home)
    {
        var path = Path.Combine(Path.GetFullPath(home), FileName);
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose() => _file.Dispose();
}
