namespace OrleansSweeps.Silo.Blobs;

public sealed partial class FileBlobStore
{
    public Task<BlobPage> ListAsync(string prefix, int pageSize, string? continuation = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        // Only the directory the prefix lies in is walked, not the whole store.
        var directoryPart = prefix.Contains('/') ? prefix[..prefix.LastIndexOf('/')] : "";
        if (directoryPart.Length > 0) BlobKeys.Validate(directoryPart);
        var start = Path.Combine(Root, directoryPart);
        if (!Directory.Exists(start)) return Task.FromResult(new BlobPage([], null));

        var keys = Guarded(prefix, () => Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories)
            .Select(file => (Key: Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/'), File: file))
            .Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal) && !f.Key.EndsWith(BlobKeys.TempSuffix, StringComparison.Ordinal))
            .Where(f => continuation is null || string.CompareOrdinal(f.Key, continuation) > 0)
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Take(pageSize + 1)
            .Select(f => new BlobItem(f.Key, new FileInfo(f.File).Length))
            .ToList());
        var more = keys.Count > pageSize;
        if (more) keys.RemoveAt(pageSize);
        return Task.FromResult(new BlobPage(keys, more ? keys[^1].Key : null));
    }
}
