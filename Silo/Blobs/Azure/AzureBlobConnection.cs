namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>
/// Where an Azure Blob Storage account is and how to sign for it, from a standard Azure Storage connection
/// string: <c>DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net</c>,
/// optionally with <c>BlobEndpoint=…</c> (Azurite: <c>http://127.0.0.1:10000/devstoreaccount1</c>), or
/// <c>UseDevelopmentStorage=true</c> (Azurite's well-known account on its default port). Only Shared Key
/// (AccountKey) is supported. The key never appears in <see cref="ToString"/> nor in any error message:
/// parse errors name the field, never the text around it.
/// </summary>
public sealed class AzureBlobConnection
{
    /// <summary>The environment variable read first by <see cref="FromEnvironment"/>.</summary>
    public const string EnvironmentVariable = "SWEEPS_BLOB_CONNECTION";

    /// <summary>The Azure tools' own variable, read when <see cref="EnvironmentVariable"/> is unset.</summary>
    public const string AzureEnvironmentVariable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>Azurite's well-known development account (published in Azurite's and Azure's documentation).</summary>
    public const string DevelopmentAccount = "devstoreaccount1";

    public const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly byte[] _key;

    public AzureBlobConnection(string accountName, byte[] accountKey, Uri blobEndpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(blobEndpoint);
        AccountName = accountName;
        _key = accountKey;
        BlobEndpoint = new Uri(blobEndpoint.AbsoluteUri.TrimEnd('/'));
    }

    public string AccountName { get; }

    /// <summary>The blob service's base address, without a trailing slash; containers are paths below it.</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>Azurite's development account at <paramref name="endpoint"/> (default http://127.0.0.1:10000/devstoreaccount1).</summary>
    public static AzureBlobConnection Development(Uri? endpoint = null) =>
        new(DevelopmentAccount, Convert.FromBase64String(DevelopmentKey), endpoint ?? new Uri($"http://127.0.0.1:10000/{DevelopmentAccount}"));

    /// <summary>
    /// The connection in <c>SWEEPS_BLOB_CONNECTION</c>, else in <c>AZURE_STORAGE_CONNECTION_STRING</c>, else null.
    /// </summary>
    public static AzureBlobConnection? FromEnvironment()
    {
        foreach (var name in new[] { EnvironmentVariable, AzureEnvironmentVariable })
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrWhiteSpace(value)) continue;
            try
            {
                return Parse(value);
            }
            catch (FormatException e)
            {
                throw new FormatException($"environment variable {name}: {e.Message}", e);
            }
        }
        return null;
    }

    /// <summary>Parses a connection string; throws <see cref="FormatException"/> naming the field at fault (never its value).</summary>
    public static AzureBlobConnection Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var fields = Fields(connectionString);
        string? Field(string name) => fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        if (string.Equals(Field("UseDevelopmentStorage"), "true", StringComparison.OrdinalIgnoreCase))
            return Development(Field("BlobEndpoint") is { } devEndpoint ? Endpoint(devEndpoint) : null);
        if (Field("SharedAccessSignature") is not null && Field("AccountKey") is null)
            throw new FormatException("connection string: SharedAccessSignature is not supported; give AccountName and AccountKey");

        var account = Field("AccountName") ?? throw new FormatException("connection string: AccountName is missing");
        var key = Field("AccountKey") ?? throw new FormatException($"connection string for account '{account}': AccountKey is missing");
        byte[] keyBytes;
        try
        {
            keyBytes = Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            throw new FormatException($"connection string for account '{account}': AccountKey is not valid base64");
        }
        var endpoint = Field("BlobEndpoint") is { } explicitEndpoint
            ? Endpoint(explicitEndpoint)
            : new Uri($"{Field("DefaultEndpointsProtocol") ?? "https"}://{account}.blob.{Field("EndpointSuffix") ?? "core.windows.net"}");
        return new AzureBlobConnection(account, keyBytes, endpoint);
    }

    /// <summary>Signs requests with this connection's key (the only way the key leaves this object).</summary>
    public SharedKeySigner CreateSigner() => new(AccountName, _key);

    public override string ToString() => $"account '{AccountName}' at {BlobEndpoint}";

    private static Dictionary<string, string> Fields(string connectionString)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            // A part without '=' could be a pasted key: say where, not what.
            if (equals <= 0) throw new FormatException($"connection string: field {fields.Count + 1} is not Name=Value");
            fields[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }
        return fields;
    }

    private static Uri Endpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new FormatException("connection string: BlobEndpoint is not an http(s) address");
}
