using System.Globalization;
using System.Net;
using System.Xml.Linq;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>List Blobs (flat, by prefix), paged by the service's own marker.</summary>
public sealed partial class AzureBlobStore
{
    /// <summary>
    /// One page of List Blobs: <c>maxresults</c> is the page size and the continuation is the service's
    /// NextMarker, opaque to callers. The service may answer an empty page with a marker; such pages are
    /// skipped so that a page is empty only at the end.
    /// </summary>
    public async Task<BlobPage> ListAsync(string prefix, int pageSize, string? continuation = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var marker = continuation;
        while (true)
        {
            var query = $"restype=container&comp=list&maxresults={Math.Min(pageSize, 5000)}"
                + (prefix.Length > 0 ? $"&prefix={Uri.EscapeDataString(prefix)}" : "")
                + (marker is null ? "" : $"&marker={Uri.EscapeDataString(marker)}");
            var what = $"list '{prefix}'";
            var answer = await _client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"{_containerUri}?{query}"), what, cancel).ConfigureAwait(false);
            if (!answer.Is(HttpStatusCode.OK)) throw _client.Unexpected(answer, what);
            var (items, next) = ParseListing(answer.Body);
            if (items.Count > 0 || next is null) return new BlobPage(items, next);
            marker = next;
        }
    }

    /// <summary>Blob names and lengths from an EnumerationResults document, and its NextMarker (null when empty).</summary>
    internal static (List<BlobItem> Items, string? NextMarker) ParseListing(byte[] xml)
    {
        using var stream = new MemoryStream(xml);
        var root = XDocument.Load(stream).Root ?? throw new InvalidDataException("List Blobs: empty answer");
        var items = root.Element("Blobs")?.Elements("Blob")
            .Select(blob => new BlobItem(
                (string?)blob.Element("Name") ?? throw new InvalidDataException("List Blobs: a blob without a Name"),
                long.Parse((string?)blob.Element("Properties")?.Element("Content-Length") ?? "0", CultureInfo.InvariantCulture)))
            .ToList() ?? [];
        var next = (string?)root.Element("NextMarker");
        return (items, string.IsNullOrEmpty(next) ? null : next);
    }
}
