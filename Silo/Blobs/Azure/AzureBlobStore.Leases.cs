using System.Net;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>
/// Lease Blob: an exclusive write lock on one existing blob, for 15 to 60 seconds or infinite, renewed by
/// its holder. Not part of <see cref="IBlobStore"/> (the ledger's fenced leases give single activation);
/// here for uses that need a lock in the blob store itself. Lease ids are proposed by this client, so an
/// acquire whose answer was lost and is replayed finds the lease already its own and succeeds.
/// </summary>
public sealed partial class AzureBlobStore
{
    /// <summary>
    /// Acquires a lease on the blob for <paramref name="duration"/> (null: infinite); returns the lease id, or
    /// null when another holder has it. A missing blob throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public async Task<string?> AcquireLeaseAsync(string key, TimeSpan? duration, CancellationToken cancel = default)
    {
        if (duration is { } d && (d < TimeSpan.FromSeconds(15) || d > TimeSpan.FromSeconds(60)))
            throw new ArgumentOutOfRangeException(nameof(duration), "a lease lasts 15 to 60 seconds, or is infinite (null)");
        var id = Guid.NewGuid().ToString();
        var answer = await LeaseAsync(key, "acquire", id, request =>
        {
            request.Headers.Add("x-ms-lease-duration", duration is null ? "-1" : ((int)duration.Value.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("x-ms-proposed-lease-id", id);
        }, cancel).ConfigureAwait(false);
        return answer.Status switch
        {
            HttpStatusCode.Created or HttpStatusCode.OK => answer.Header("x-ms-lease-id") ?? id,
            HttpStatusCode.Conflict => null,
            _ => throw LeaseError(answer, key, "acquire"),
        };
    }

    /// <summary>Restarts the lease's clock; false when <paramref name="leaseId"/> no longer holds it.</summary>
    public Task<bool> RenewLeaseAsync(string key, string leaseId, CancellationToken cancel = default) => LeaseActionAsync(key, "renew", leaseId, cancel);

    /// <summary>Ends the lease so that others may acquire one; false when <paramref name="leaseId"/> does not hold it.</summary>
    public Task<bool> ReleaseLeaseAsync(string key, string leaseId, CancellationToken cancel = default) => LeaseActionAsync(key, "release", leaseId, cancel);

    private async Task<bool> LeaseActionAsync(string key, string action, string leaseId, CancellationToken cancel)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseId);
        var answer = await LeaseAsync(key, action, leaseId, null, cancel).ConfigureAwait(false);
        return answer.Status switch
        {
            HttpStatusCode.OK => true,
            // A replayed release whose first attempt landed finds no lease: released either way.
            HttpStatusCode.Conflict when action == "release" && answer.Retried => true,
            HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed => false,
            _ => throw LeaseError(answer, key, action),
        };
    }

    private Task<BlobResponse> LeaseAsync(string key, string action, string leaseId, Action<HttpRequestMessage>? configure, CancellationToken cancel) =>
        _client.SendAsync(() =>
        {
            var request = Request(HttpMethod.Put, key, "comp=lease");
            request.Headers.Add("x-ms-lease-action", action);
            if (action != "acquire") request.Headers.Add("x-ms-lease-id", leaseId);
            configure?.Invoke(request);
            return request;
        }, $"{action} lease on '{key}'", cancel);

    private Exception LeaseError(BlobResponse answer, string key, string action) => answer.Is(HttpStatusCode.NotFound)
        ? new InvalidOperationException($"{_client.Where}: {action} lease on '{key}': no such blob")
        : _client.Unexpected(answer, $"{action} lease on '{key}'");
}
