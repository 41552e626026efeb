using System.Net;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>
/// Blobs as block blobs in one container of an Azure Storage account (or Azurite), over the Blob REST API
/// (x-ms-version 2021-08-06, Shared Key) because the package feed lacks the Azure SDK: key <c>a/b/c</c> is
/// blob <c>{endpoint}/{container}/a/b/c</c>. Puts are atomic on the service (Put Blob, or Put Block List
/// committing blocks staged under ids unique to the put, so concurrent puts never mix); conditions are
/// <c>If-None-Match: *</c> and <c>If-Match</c> on the committing request. ETags are the service's (quoted).
/// Listing is the service's, in its byte order of names, which is ordinal order for keys in the Basic
/// Multilingual Plane. Transient failures are retried (<see cref="AzureRetryPolicy"/>), and a conditional
/// put whose earlier attempt may have landed recognises its own write on replay by a nonce in the blob's
/// metadata. Leases (<see cref="AcquireLeaseAsync"/>) are extra API, not in the port: a leased blob refuses
/// puts and deletes that do not carry the lease. Errors the caller cannot act on are
/// <see cref="StorageUnavailableException"/>, one line naming account, endpoint and container, never the key.
/// </summary>
public sealed partial class AzureBlobStore : IBlobStore, IDisposable
{
    private readonly BlobRestClient _client;
    private readonly AzureBlobStoreOptions _options;
    private readonly string _containerUri;

    private AzureBlobStore(AzureBlobConnection connection, AzureBlobStoreOptions options, HttpMessageHandler? handler)
    {
        _options = options;
        _client = new BlobRestClient(connection, options.Container, options, handler);
        _containerUri = $"{connection.BlobEndpoint.AbsoluteUri.TrimEnd('/')}/{options.Container}";
    }

    /// <summary>
    /// Opens the store, creating the container if it is missing (unless <see cref="AzureBlobStoreOptions.CreateContainer"/>
    /// is false, when a missing container is an error), so bad credentials, a wrong endpoint or a missing
    /// container fail here, at start, not mid-sweep. <paramref name="handler"/> replaces the HTTP handler (tests).
    /// </summary>
    public static async Task<AzureBlobStore> OpenAsync(AzureBlobConnection connection, AzureBlobStoreOptions? options = null,
        HttpMessageHandler? handler = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new AzureBlobStoreOptions();
        options.Validate();
        var store = new AzureBlobStore(connection, options, handler);
        try
        {
            await store.EnsureContainerAsync(cancel).ConfigureAwait(false);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public string Container => _options.Container;

    public async Task<Blob?> GetAsync(string key, CancellationToken cancel = default)
    {
        var answer = await _client.SendAsync(() => Request(HttpMethod.Get, key), $"get '{key}'", cancel).ConfigureAwait(false);
        if (answer.Is(HttpStatusCode.NotFound)) return null;
        return answer.Is(HttpStatusCode.OK) ? new Blob(answer.Body, answer.ETag) : throw _client.Unexpected(answer, $"get '{key}'");
    }

    public async Task<byte[]?> GetRangeAsync(string key, long offset, int length, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0) return await ExistsAsync(key, cancel).ConfigureAwait(false) ? [] : null;
        var what = $"get '{key}' bytes {offset}+{length}";
        var answer = await _client.SendAsync(() =>
        {
            var request = Request(HttpMethod.Get, key);
            request.Headers.Add("x-ms-range", $"bytes={offset}-{offset + length - 1}");
            return request;
        }, what, cancel).ConfigureAwait(false);
        return answer.Status switch
        {
            HttpStatusCode.NotFound => null,
            HttpStatusCode.PartialContent or HttpStatusCode.OK => answer.Body,
            HttpStatusCode.RequestedRangeNotSatisfiable => [], // the blob exists; the range starts at or past its end
            _ => throw _client.Unexpected(answer, what),
        };
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancel = default)
    {
        var answer = await _client.SendAsync(() => Request(HttpMethod.Head, key), $"exists '{key}'", cancel).ConfigureAwait(false);
        if (answer.Is(HttpStatusCode.NotFound)) return false;
        return answer.Is(HttpStatusCode.OK) ? true : throw _client.Unexpected(answer, $"exists '{key}'");
    }

    public async Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancel = default)
    {
        var what = $"delete '{key}'";
        var answer = await _client.SendAsync(() =>
        {
            var request = Request(HttpMethod.Delete, key);
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", Quoted(ifMatch));
            return request;
        }, what, cancel).ConfigureAwait(false);
        return answer.Status switch
        {
            HttpStatusCode.Accepted => true,
            _ when IsLeaseConflict(answer) => throw new InvalidOperationException($"{_client.Where}: {what}: the blob is leased ({answer.ErrorCode})"),
            // A replayed delete whose first attempt landed also finds nothing: the blob is gone either way.
            HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed => false,
            _ => throw _client.Unexpected(answer, what),
        };
    }

    public void Dispose() => _client.Dispose();

    private async Task EnsureContainerAsync(CancellationToken cancel)
    {
        var method = _options.CreateContainer ? HttpMethod.Put : HttpMethod.Head;
        var answer = await _client.SendAsync(() => new HttpRequestMessage(method, $"{_containerUri}?restype=container"), "open container", cancel).ConfigureAwait(false);
        if (answer.Status is HttpStatusCode.Created or HttpStatusCode.OK) return;
        if (answer.Is(HttpStatusCode.Conflict) && answer.ErrorCode == "ContainerAlreadyExists") return;
        if (answer.Is(HttpStatusCode.NotFound)) throw new StorageUnavailableException($"{_client.Where}: the container does not exist (and creating it is turned off)");
        throw _client.Unexpected(answer, "open container");
    }

    /// <summary>A request for the blob under <paramref name="key"/> (validated), with <paramref name="query"/> (already encoded).</summary>
    private HttpRequestMessage Request(HttpMethod method, string key, string? query = null)
    {
        BlobKeys.Validate(key);
        var path = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return new HttpRequestMessage(method, $"{_containerUri}/{path}{(query is null ? "" : "?" + query)}");
    }

    /// <summary>ETags are quoted strings; a caller's unquoted one is quoted so that it is compared, not rejected.</summary>
    private static string Quoted(string etag) => etag.StartsWith('"') ? etag : $"\"{etag}\"";
}
