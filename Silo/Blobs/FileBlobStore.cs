using OrleansSweeps.Engine.Storage;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Blobs;

/// <summary>
/// Blobs as files under a root (embedded default <c>{home}/blobs</c>): key <c>a/b/c</c> is file
/// <c>{root}/a/b/c</c>. Puts write a temp file beside the target and rename it over (never a partial
/// file under the key); create-only puts link it in, which fails atomically if the key exists. The ETag
/// is the SHA-256 of the content. Conditional writes are checked and applied under a per-key lock of this
/// instance: one process owns a home in embedded mode. File I/O runs on the caller's thread.
/// </summary>
public sealed partial class FileBlobStore : IBlobStore
{
    public const string DirectoryName = "blobs";

    /// <summary>Stripes of locks: conditional writes to one key are serialised, different keys rarely wait.</summary>
    private readonly object[] _locks = Enumerable.Range(0, 64).Select(_ => new object()).ToArray();

    private FileBlobStore(string root) => Root = root;

    public string Root { get; }

    public static FileBlobStore OpenInHome(string home) => Open(Path.Combine(home, DirectoryName));

    /// <summary>
    /// Opens the store at <paramref name="root"/>, creating it, and proves it writable now, so a read-only or
    /// impossible path fails at start with <see cref="StorageUnavailableException"/> naming it, not mid-sweep.
    /// </summary>
    /// <summary>Opens an existing store to read it: no directory made, no probe written (a read-only home's blobs).</summary>
    public static FileBlobStore OpenForReading(string root) => new(Path.GetFullPath(root));

    public static FileBlobStore Open(string root)
    {
        var full = Path.GetFullPath(root);
        var probe = Path.Combine(full, $".probe.{Guid.NewGuid():N}{BlobKeys.TempSuffix}");
        try
        {
            Directory.CreateDirectory(full);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"blob store '{full}': not writable ({e.Message})", e);
        }
        return new FileBlobStore(full);
    }

    public Task<string?> PutAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition = default, CancellationToken cancel = default)
    {
        var path = PathOf(key);
        return Task.FromResult(Guarded(key, () =>
        {
            if (condition is { IfNoneExists: false, IfMatch: null })
            {
                AtomicFile.WriteAllBytes(path, content.Span);
                return ETagOf(content.Span);
            }
            lock (LockOf(key))
                return condition.IfNoneExists ? CreateOnly(path, content.Span) : ReplaceIfMatch(path, content.Span, condition.IfMatch!);
        }));
    }

    public Task<Blob?> GetAsync(string key, CancellationToken cancel = default)
    {
        var bytes = ReadOrNull(key);
        return Task.FromResult(bytes is null ? null : new Blob(bytes, ETagOf(bytes)));
    }

    public Task<byte[]?> GetRangeAsync(string key, long offset, int length, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var path = PathOf(key);
        return Task.FromResult(Guarded(key, () =>
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var buffer = new byte[(int)Math.Clamp(stream.Length - offset, 0, length)];
                stream.Position = Math.Min(offset, stream.Length);
                stream.ReadExactly(buffer);
                return buffer;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
        }));
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancel = default) => Task.FromResult(File.Exists(PathOf(key)));

    public Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancel = default)
    {
        var path = PathOf(key);
        return Task.FromResult(Guarded(key, () =>
        {
            lock (LockOf(key))
            {
                var current = ReadOrNull(key);
                if (current is null || (ifMatch is not null && ETagOf(current) != ifMatch)) return false;
                File.Delete(path);
                return true;
            }
        }));
    }
}
