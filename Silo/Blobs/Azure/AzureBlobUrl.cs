using Azure.Storage.Blobs;
using Azure.Storage.Sas;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>
/// A container's URL as <c>--blobs</c> gives it: <c>https://ACCOUNT.blob.core.windows.net/CONTAINER</c>, or
/// path style <c>http://127.0.0.1:10000/ACCOUNT/CONTAINER</c> (Azurite), optionally with a SAS query. Only
/// <see cref="ContainerUriWithSas"/> holds the signature; everything else is safe to print.
/// </summary>
public sealed class AzureBlobUrl
{
    private AzureBlobUrl(Uri containerUriWithSas, BlobUriBuilder parts)
    {
        ContainerUriWithSas = containerUriWithSas;
        AccountName = parts.AccountName;
        Container = parts.BlobContainerName;
        Sas = parts.Sas is { Signature.Length: > 0 } ? parts.Sas : null;
        parts.Sas = null;
        parts.Query = null;
        ContainerUri = parts.ToUri();
        parts.BlobContainerName = null;
        ServiceEndpoint = WithoutQuery(parts.ToUri());
    }

    /// <summary>The URL as given, SAS included: only for the SDK's client, never for a message.</summary>
    internal Uri ContainerUriWithSas { get; }

    public Uri ContainerUri { get; }

    public Uri ServiceEndpoint { get; }

    public string AccountName { get; }

    public string Container { get; }

    /// <summary>The SAS's fields (expiry, permissions), or null when the URL carries none.</summary>
    internal BlobSasQueryParameters? Sas { get; }

    /// <summary>Parses a container URL; throws <see cref="FormatException"/> naming the problem and the URL without its query.</summary>
    public static AzureBlobUrl Parse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new FormatException($"'{Redact(text)}' is not an http(s) URL");
        var shown = WithoutQuery(uri);
        var parts = new BlobUriBuilder(uri);
        if (string.IsNullOrEmpty(parts.AccountName)) throw new FormatException($"{shown}: no storage account in the URL");
        if (string.IsNullOrEmpty(parts.BlobContainerName)) throw new FormatException($"{shown}: no container in the URL (…/CONTAINER)");
        if (!string.IsNullOrEmpty(parts.BlobName)) throw new FormatException($"{shown}: the URL names a blob; give the container's URL");
        return new AzureBlobUrl(uri, parts);
    }

    /// <summary><paramref name="uri"/> without its query (where a SAS would be).</summary>
    public static Uri WithoutQuery(Uri uri) => new UriBuilder(uri) { Query = "" }.Uri;

    /// <summary>A <c>--blobs</c> value fit for a message: a URL loses its query (a SAS), anything else stays.</summary>
    public static string Redact(string blobs)
    {
        var query = blobs.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? blobs : blobs[..query] + "?…";
    }
}
