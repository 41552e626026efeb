using Azure.Storage.Blobs.Models;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>List Blobs (flat, by prefix), paged by the service's own continuation.</summary>
public sealed partial class AzureBlobStore
{
    /// <summary>The service's limit on one page of List Blobs.</summary>
    private const int MaxPageSize = 5000;

    /// <summary>
    /// One page of List Blobs; the continuation is the service's marker, opaque to callers. The service may
    /// answer an empty page with a marker; such pages are skipped so that a page is empty only at the end.
    /// </summary>
    public async Task<BlobPage> ListAsync(string prefix, int pageSize, string? continuation = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var listing = new GetBlobsOptions { Prefix = prefix.Length > 0 ? prefix : null };
        try
        {
            await foreach (var page in _container.GetBlobsAsync(listing, cancel).AsPages(continuation, Math.Min(pageSize, MaxPageSize)).ConfigureAwait(false))
            {
                var next = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
                if (page.Values.Count > 0 || next is null)
                    return new BlobPage(page.Values.Select(item => new BlobItem(item.Name, item.Properties.ContentLength ?? 0)).ToList(), next);
            }
            return new BlobPage([], null);
        }
        catch (Exception e) when (AzureBlobFailures.Covers(e))
        {
            throw _failures.From(e, $"list '{prefix}'");
        }
    }
}
