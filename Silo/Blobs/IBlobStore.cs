namespace OrleansSweeps.Silo.Blobs;

/// <summary>
/// Blob storage for checkpoints, curves, moment and aggregate vectors, results and spec copies, keyed by
/// the layout of DESIGN.md ("Data that flows"; see <see cref="BlobKeys"/>). A put is atomic: readers see
/// the old content or the new, never a part. Binary blobs are framed by <c>BinaryEnvelope</c> (header +
/// SHA-256) through <see cref="BlobEnvelopes"/>, so corruption is detected on read.
/// Adapters: the filesystem (embedded default, <c>{home}/blobs</c>); Azure Blob Storage (<c>Azure/AzureBlobStore</c>). Both
/// pass <c>Tests/Silo/BlobStoreContract.cs</c>. Keys that are not valid (<see cref="BlobKeys.Validate"/>)
/// throw <see cref="ArgumentException"/>.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Writes the blob if <paramref name="condition"/> holds; returns its new ETag, or null when the
    /// condition did not hold (nothing was written).
    /// </summary>
    Task<string?> PutAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition = default, CancellationToken cancel = default);

    /// <summary>The whole blob and its ETag, or null when there is none.</summary>
    Task<Blob?> GetAsync(string key, CancellationToken cancel = default);

    /// <summary>
    /// Up to <paramref name="length"/> bytes from <paramref name="offset"/> (fewer at the end of the blob,
    /// none past it), or null when there is no blob.
    /// </summary>
    Task<byte[]?> GetRangeAsync(string key, long offset, int length, CancellationToken cancel = default);

    Task<bool> ExistsAsync(string key, CancellationToken cancel = default);

    /// <summary>
    /// Blobs whose key starts with <paramref name="prefix"/>, in ordinal key order, at most
    /// <paramref name="pageSize"/> per page; pass the page's <see cref="BlobPage.Continuation"/> for the next.
    /// </summary>
    Task<BlobPage> ListAsync(string prefix, int pageSize, string? continuation = null, CancellationToken cancel = default);

    /// <summary>Deletes the blob (only if its ETag is <paramref name="ifMatch"/>, when given); false if nothing was deleted.</summary>
    Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancel = default);
}

/// <summary>A blob's content and its ETag (an opaque version string that changes whenever the content does).</summary>
public sealed record Blob(byte[] Content, string ETag);

public sealed record BlobItem(string Key, long Length);

/// <summary>One page of a listing; <see cref="Continuation"/> is null on the last page.</summary>
public sealed record BlobPage(IReadOnlyList<BlobItem> Items, string? Continuation);

/// <summary>
/// When a put may write: always (default), only if no blob exists (<see cref="CreateOnly"/>, HTTP
/// If-None-Match: *), or only if the current ETag matches (<see cref="Matching"/>, If-Match).
/// </summary>
public readonly record struct BlobCondition(bool IfNoneExists, string? IfMatch)
{
    public static BlobCondition Always => default;

    public static BlobCondition CreateOnly => new(true, null);

    public static BlobCondition Matching(string etag) => new(false, etag);
}
