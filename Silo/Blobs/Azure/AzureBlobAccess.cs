using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>
/// Which container a cluster's blobs live in and how the store proves who it is, from what <c>--blobs</c> names.
/// The first that applies wins:
/// <list type="number">
/// <item><c>azure:CONTAINER</c>: the connection string in <c>SWEEPS_BLOB_CONNECTION</c>, else in
/// <c>AZURE_STORAGE_CONNECTION_STRING</c> (account key or SAS; <c>UseDevelopmentStorage=true</c> for Azurite).
/// The same string also serves an account URL (below) of the same account.</item>
/// <item><c>https://ACCOUNT.blob.core.windows.net/CONTAINER</c>: Microsoft Entra tokens from
/// <see cref="DefaultAzureCredential"/> (workload identity on AKS, managed identity, Azure CLI, …).</item>
/// <item>The same URL with a SAS query (<c>?sv=…&amp;sig=…</c>): the SAS.</item>
/// </list>
/// The secret (account key, SAS signature, token) never leaves the SDK's clients: <see cref="ToString"/> and
/// every message name the account, the endpoint and the container, and parse errors name the field at fault.
/// </summary>
public sealed class AzureBlobAccess(AzureBlobCredential credential, string source, Uri serviceEndpoint, string accountName, string container,
    Func<BlobClientOptions, BlobContainerClient> connect, DateTimeOffset? sasExpiry = null)
{
    public const string Prefix = "azure:";

    /// <summary>Read first for a connection string.</summary>
    public const string ConnectionVariable = "SWEEPS_BLOB_CONNECTION";

    /// <summary>The Azure tools' own variable, read when <see cref="ConnectionVariable"/> is unset.</summary>
    public const string AzureConnectionVariable = "AZURE_STORAGE_CONNECTION_STRING";

    public AzureBlobCredential Credential { get; } = credential;

    /// <summary>Where the credential comes from, for messages: "$SWEEPS_BLOB_CONNECTION", "DefaultAzureCredential", "the SAS in the URL".</summary>
    public string Source { get; } = source;

    /// <summary>The blob service's address, without any query (so without a SAS).</summary>
    public Uri ServiceEndpoint { get; } = serviceEndpoint;

    public string AccountName { get; } = accountName;

    public string Container { get; } = ValidContainer(container);

    /// <summary>When a SAS stops being valid (its <c>se</c> field); null for other credentials.</summary>
    public DateTimeOffset? SasExpiry { get; } = sasExpiry;

    /// <summary>Whether <paramref name="blobs"/> names Azure Blob Storage (else it is a directory).</summary>
    public static bool Names(string blobs) =>
        blobs.StartsWith(Prefix, StringComparison.Ordinal) || blobs.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || blobs.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Resolves <c>azure:CONTAINER</c> or a container URL with the environment's connection string when one
    /// applies; throws <see cref="FormatException"/> naming what is wrong, never a secret.
    /// <paramref name="environment"/> reads a variable (default: the process's environment).
    /// </summary>
    public static AzureBlobAccess Resolve(string blobs, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var connection = ConnectionString(environment ?? Environment.GetEnvironmentVariable);
        if (blobs.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var container = blobs[Prefix.Length..];
            return connection is { } found
                ? FromConnectionString(found.Value, container, "$" + found.Variable)
                : throw new FormatException($"set {ConnectionVariable} (or {AzureConnectionVariable}) to the storage account's connection string, "
                    + $"or give the container's URL (https://ACCOUNT.blob.core.windows.net/{container}) to sign in with DefaultAzureCredential");
        }
        var url = AzureBlobUrl.Parse(blobs);
        if (url.Sas is not null) return FromSasUrl(url);
        // A connection string in the environment serves the account it names; another account's URL signs in instead.
        if (connection is { } set)
        {
            var viaConnection = FromConnectionString(set.Value, url.Container, "$" + set.Variable);
            if (viaConnection.ServiceEndpoint == url.ServiceEndpoint) return viaConnection;
        }
        return FromAccountUrl(url);
    }

    /// <summary>The account of a connection string; <paramref name="source"/> names where it came from in messages.</summary>
    public static AzureBlobAccess FromConnectionString(string connectionString, string container, string source = "the connection string")
    {
        BlobServiceClient service;
        try
        {
            service = new BlobServiceClient(connectionString);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The SDK's own message may quote the string; say where it was, not what it was.
            throw new FormatException($"{source} is not a valid Azure Storage connection string (expected AccountName=…;AccountKey=…, "
                + "BlobEndpoint=…;SharedAccessSignature=…, or UseDevelopmentStorage=true)", e is FormatException ? null : e);
        }
        var endpoint = AzureBlobUrl.WithoutQuery(service.Uri);
        return new AzureBlobAccess(AzureBlobCredential.ConnectionString, source, endpoint, service.AccountName, container,
            options => new BlobServiceClient(connectionString, options).GetBlobContainerClient(container));
    }

    /// <summary>
    /// A container URL without a SAS: Microsoft Entra tokens from <paramref name="credential"/>, by default a
    /// <see cref="DefaultAzureCredential"/> made at connection.
    /// </summary>
    public static AzureBlobAccess FromAccountUrl(AzureBlobUrl url, TokenCredential? credential = null)
    {
        if (url.ContainerUri.Scheme != Uri.UriSchemeHttps)
            throw new FormatException($"{url.ContainerUri}: Microsoft Entra tokens are only sent over https; for Azurite give azure:{url.Container} "
                + $"and its connection string in {ConnectionVariable}");
        return new AzureBlobAccess(AzureBlobCredential.AzureIdentity, nameof(DefaultAzureCredential), url.ServiceEndpoint, url.AccountName, url.Container,
            options => new BlobContainerClient(url.ContainerUri, credential ?? new DefaultAzureCredential(), options));
    }

    /// <summary>A container URL that carries a SAS.</summary>
    public static AzureBlobAccess FromSasUrl(AzureBlobUrl url)
    {
        var sas = url.Sas ?? throw new ArgumentException("the URL carries no SAS", nameof(url));
        return new AzureBlobAccess(AzureBlobCredential.Sas, "the SAS in the URL", url.ServiceEndpoint, url.AccountName, url.Container,
            options => new BlobContainerClient(url.ContainerUriWithSas, options), sas.ExpiresOn == default ? null : sas.ExpiresOn);
    }

    /// <summary>"account 'a' at https://a.blob.core.windows.net/, container 'c'": never a secret.</summary>
    public override string ToString() => $"account '{AccountName}' at {ServiceEndpoint}, container '{Container}'";

    internal BlobContainerClient Connect(BlobClientOptions options) => connect(options);

    /// <summary>3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit (Azure's rule).</summary>
    private static string ValidContainer(string container) =>
        container.Length is < 3 or > 63 || !container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || container.StartsWith('-') || container.EndsWith('-') || container.Contains("--", StringComparison.Ordinal)
            ? throw new FormatException($"container '{container}': 3 to 63 lower-case letters, digits and single hyphens, not at either end")
            : container;

    private static (string Variable, string Value)? ConnectionString(Func<string, string?> environment)
    {
        foreach (var name in new[] { ConnectionVariable, AzureConnectionVariable })
            if (environment(name) is { } value && !string.IsNullOrWhiteSpace(value)) return (name, value.Trim());
        return null;
    }
}

/// <summary>How <see cref="AzureBlobAccess"/> authenticates.</summary>
public enum AzureBlobCredential
{
    /// <summary>Account key or SAS from a connection string.</summary>
    ConnectionString,

    /// <summary>Microsoft Entra tokens (DefaultAzureCredential).</summary>
    AzureIdentity,

    /// <summary>A SAS in the container URL.</summary>
    Sas,
}
