namespace OrleansSweeps.Silo.Storage;

/// <summary>
/// Where a sweep's state lives, as the console names it. With neither <see cref="Ledger"/> nor
/// <see cref="Blobs"/>, the embedded home <see cref="Home"/> (SQLite <c>ledger.db</c> and files under
/// <c>blobs/</c>). Otherwise both are needed: the ledger is a PostgreSQL URI or connection string
/// (<c>postgresql://…</c>, <c>Host=…</c>) or the path of a SQLite file, and the blobs are <c>azure:CONTAINER</c>
/// (connection string in <c>SWEEPS_BLOB_CONNECTION</c> or <c>AZURE_STORAGE_CONNECTION_STRING</c>), a container URL
/// (<c>https://ACCOUNT.blob.core.windows.net/CONTAINER</c>, signed in with DefaultAzureCredential, or with a SAS
/// query; see <c>AzureBlobAccess</c>) or a directory.
/// The environment variables <c>SWEEPS_LEDGER</c> and <c>SWEEPS_BLOBS</c> stand in for missing options, so a
/// password need not appear on a command line.
/// </summary>
public sealed record StoreSettings(string Home, string? Ledger, string? Blobs)
{
    public const string LedgerVariable = "SWEEPS_LEDGER";

    public const string BlobsVariable = "SWEEPS_BLOBS";

    /// <summary>The options as given, each missing one taken from its environment variable.</summary>
    public static StoreSettings FromOptions(string home, string? ledger, string? blobs) =>
        new(home, Value(ledger) ?? Value(Environment.GetEnvironmentVariable(LedgerVariable)), Value(blobs) ?? Value(Environment.GetEnvironmentVariable(BlobsVariable)));

    /// <summary>Whether this names a shared (cluster) ledger and blob store rather than a home.</summary>
    public bool Shared => Ledger is not null || Blobs is not null;

    private static string? Value(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
