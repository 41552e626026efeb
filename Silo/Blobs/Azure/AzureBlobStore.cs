using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>
/// Blobs as block blobs in one container of an Azure Storage account (or Azurite), through the Azure SDK
/// (<see cref="BlobContainerClient"/>): key <c>a/b/c</c> is blob <c>a/b/c</c> of the container. Puts are
/// atomic on the service (one Put Blob, or blocks committed by one Put Block List); conditions are
/// <c>If-None-Match: *</c> and <c>If-Match</c> through <see cref="BlobRequestConditions"/>. ETags are the
/// service's. Listing is the service's, in its byte order of names, which is ordinal order for keys in the Basic
/// Multilingual Plane. The SDK retries transient failures (<see cref="AzureBlobStoreOptions.MaxRetries"/>), and a
/// conditional put whose earlier attempt may have landed recognises its own write by a nonce in the blob's
/// metadata. Whatever the caller cannot act on is a <see cref="StorageUnavailableException"/>, one line naming
/// account, endpoint and container, never a secret (<see cref="AzureBlobFailures"/>).
/// </summary>
public sealed partial class AzureBlobStore : IBlobStore
{
    private readonly BlobContainerClient _container;
    private readonly AzureBlobStoreOptions _options;
    private readonly AzureBlobFailures _failures;

    private AzureBlobStore(AzureBlobAccess access, AzureBlobStoreOptions options)
    {
        Access = access;
        _options = options;
        _container = access.Connect(options.ClientOptions());
        _failures = new AzureBlobFailures(access, options);
    }

    public AzureBlobAccess Access { get; }

    /// <summary>
    /// Opens the store: creates the container if it is missing (unless <see cref="AzureBlobStoreOptions.CreateContainer"/>
    /// is false or the credential is a SAS URL), then lists one blob, so that bad credentials, a wrong endpoint,
    /// an expired SAS or a missing container fail here, at start, not mid-sweep.
    /// </summary>
    public static async Task<AzureBlobStore> OpenAsync(AzureBlobAccess access, AzureBlobStoreOptions? options = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        options ??= new AzureBlobStoreOptions();
        options.Validate();
        var store = new AzureBlobStore(access, options);
        await store.EnsureContainerAsync(cancel).ConfigureAwait(false);
        return store;
    }

    public async Task<Blob?> GetAsync(string key, CancellationToken cancel = default)
    {
        var blob = BlobOf(key);
        try
        {
            var (content, etag) = await DownloadAsync(blob, null, cancel).ConfigureAwait(false);
            return new Blob(content, etag);
        }
        catch (RequestFailedException e) when (AzureBlobFailures.IsMissingBlob(e))
        {
            return null;
        }
        catch (Exception e) when (AzureBlobFailures.Covers(e))
        {
            throw _failures.From(e, $"get '{key}'");
        }
    }

    public async Task<byte[]?> GetRangeAsync(string key, long offset, int length, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0) return await ExistsAsync(key, cancel).ConfigureAwait(false) ? [] : null;
        var blob = BlobOf(key);
        try
        {
            return (await DownloadAsync(blob, new HttpRange(offset, length), cancel).ConfigureAwait(false)).Content;
        }
        catch (RequestFailedException e) when (AzureBlobFailures.IsMissingBlob(e))
        {
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            return []; // the blob exists; the range starts at or past its end
        }
        catch (Exception e) when (AzureBlobFailures.Covers(e))
        {
            throw _failures.From(e, $"get '{key}' bytes {offset}+{length}");
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancel = default) =>
        await PropertiesAsync(BlobOf(key), $"exists '{key}'", cancel).ConfigureAwait(false) is not null;

    public async Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancel = default)
    {
        var blob = BlobOf(key);
        var conditions = ifMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        try
        {
            // A replayed delete whose first attempt landed finds nothing too: the blob is gone either way.
            return (await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.None, conditions, cancel).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
        catch (Exception e) when (AzureBlobFailures.Covers(e))
        {
            throw _failures.From(e, $"delete '{key}'");
        }
    }

    /// <summary>
    /// The blob (or <paramref name="range"/> of it) and its ETag, from one GET read straight into an array of the
    /// answer's length: the SDK's DownloadContent grows a buffer and copies it again, half the speed for 4 MiB.
    /// </summary>
    private static async Task<(byte[] Content, string ETag)> DownloadAsync(BlobClient blob, HttpRange? range, CancellationToken cancel)
    {
        var options = new BlobDownloadOptions { Range = range ?? default };
        using var answer = (await blob.DownloadStreamingAsync(options, cancel).ConfigureAwait(false)).Value;
        var content = new byte[answer.Details.ContentLength];
        await answer.Content.ReadExactlyAsync(content, cancel).ConfigureAwait(false);
        return (content, answer.Details.ETag.ToString());
    }

    /// <summary>The blob's properties (ETag, metadata), or null when there is no blob.</summary>
    private async Task<BlobProperties?> PropertiesAsync(BlobClient blob, string what, CancellationToken cancel)
    {
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: cancel).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (AzureBlobFailures.IsMissingBlob(e))
        {
            return null;
        }
        catch (Exception e) when (AzureBlobFailures.Covers(e))
        {
            throw _failures.From(e, what);
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancel)
    {
        try
        {
            // A SAS URL is scoped to its container and cannot create it.
            if (_options.CreateContainer && Access.Credential != AzureBlobCredential.Sas)
                await _container.CreateIfNotExistsAsync(cancellationToken: cancel).ConfigureAwait(false);
            // One name of one page: proves the credential may list (every credential kind can ask this of its container).
            await foreach (var _ in _container.GetBlobsAsync(new GetBlobsOptions(), cancel).AsPages(pageSizeHint: 1).ConfigureAwait(false)) break;
        }
        catch (RequestFailedException e) when (e.ErrorCode == AzureBlobFailures.ContainerNotFound)
        {
            var why = Access.Credential == AzureBlobCredential.Sas ? "a SAS URL cannot create it" : "creating it is turned off";
            throw new StorageUnavailableException($"{_failures.Where}: the container does not exist ({why})", e);
        }
        catch (Exception e) when (AzureBlobFailures.Covers(e))
        {
            throw _failures.From(e, "open container");
        }
    }

    /// <summary>The client of the blob under <paramref name="key"/> (validated).</summary>
    private BlobClient BlobOf(string key)
    {
        BlobKeys.Validate(key);
        return _container.GetBlobClient(key);
    }
}
