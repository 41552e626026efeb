using System.Security.Cryptography;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Blobs;

/// <summary>Paths, ETags, conditional writes and error mapping of the filesystem blob store.</summary>
public sealed partial class FileBlobStore
{
    private string PathOf(string key)
    {
        BlobKeys.Validate(key);
        var path = Path.GetFullPath(Path.Combine(Root, key));
        // Validate already forbids '..' and absolute keys; this is the last line should a rule be missed.
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"blob key '{key}': resolves outside the store's root", nameof(key));
        return path;
    }

    private object LockOf(string key) => _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_locks.Length)];

    private static string ETagOf(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private byte[]? ReadOrNull(string key)
    {
        var path = PathOf(key);
        return Guarded(key, () =>
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
        });
    }

    /// <summary>Links a complete temp file in under the key; the link fails atomically if the key exists.</summary>
    private static string? CreateOnly(string path, ReadOnlySpan<byte> content)
    {
        var temp = WriteTemp(path, content);
        try
        {
            File.Move(temp, path, overwrite: false);
            return ETagOf(content);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private string? ReplaceIfMatch(string path, ReadOnlySpan<byte> content, string etag)
    {
        var current = File.Exists(path) ? File.ReadAllBytes(path) : null;
        if (current is null || ETagOf(current) != etag) return null;
        var temp = WriteTemp(path, content);
        File.Move(temp, path, overwrite: true);
        return ETagOf(content);
    }

    private static string WriteTemp(string path, ReadOnlySpan<byte> content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}{BlobKeys.TempSuffix}";
        try
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
            stream.Write(content);
            stream.Flush(flushToDisk: false);
            return temp;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A disk that filled up mid-write leaves no partial temp file taking its space.
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temp file is never read as a blob.
        }
    }

    /// <summary>Runs a file operation, turning a disk problem into one error that names the key and the path.</summary>
    private T Guarded<T>(string key, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not StorageUnavailableException)
        {
            throw new StorageUnavailableException($"blob store '{Root}': '{key}': {e.Message}", e);
        }
    }
}
