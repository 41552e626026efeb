using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Blobs.Azure;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Ledger.Sqlite;

namespace OrleansSweeps.Silo.Storage;

/// <summary>
/// A ledger and a blob store opened together from <see cref="StoreSettings"/>: the embedded home, or the
/// shared stores of a cluster (PostgreSQL or a SQLite file; Azure Blob Storage or a directory).
/// </summary>
public sealed class SweepStores : IAsyncDisposable
{
    /// <summary>The shared blob store, for messages (empty for a home, whose blobs are named by path).</summary>
    private readonly string _blobsText;

    private SweepStores(ILedger ledger, IBlobStore blobs, SweepHome? home, string ledgerText, string blobsText)
    {
        Ledger = ledger;
        Blobs = blobs;
        Home = home;
        _blobsText = blobsText;
        Description = home is null ? $"{ledgerText} + {blobsText}" : ledgerText;
    }

    public ILedger Ledger { get; }

    public IBlobStore Blobs { get; }

    /// <summary>The embedded home, or null for shared stores (no home lock: many silos work on them at once).</summary>
    public SweepHome? Home { get; }

    /// <summary>Where the state is, for messages (never a password or key).</summary>
    public string Description { get; }

    /// <summary>Where a sweep's blobs are, for messages.</summary>
    public string SweepLocation(string sweep) =>
        Home?.SweepDirectory(sweep) ?? $"{_blobsText} under '{BlobKeys.Sweep(sweep)}'";

    /// <summary>
    /// Opens the stores; with <paramref name="create"/> false, an embedded home without a ledger throws
    /// <see cref="StorageUnavailableException"/> (reading verbs never create one). Shared stores are created
    /// or migrated as needed by whoever opens them first.
    /// </summary>
    public static SweepStores Open(StoreSettings settings, bool create, TimeProvider? clock = null)
    {
        if (!settings.Shared)
        {
            var embedded = EmbeddedStores.Open(settings.Home, create, clock);
            return new SweepStores(embedded.Ledger, embedded.Blobs, embedded.Home, $"home '{embedded.Home.Root}'", "");
        }
        if (settings.Ledger is null) throw new StorageUnavailableException($"--blobs '{AzureBlobUrl.Redact(settings.Blobs!)}' needs --ledger too (or {StoreSettings.LedgerVariable})");
        if (settings.Blobs is null) throw new StorageUnavailableException($"--ledger needs --blobs too (or {StoreSettings.BlobsVariable})");
        var (ledger, ledgerText) = OpenLedger(settings.Ledger, clock);
        try
        {
            var (blobs, blobsText) = OpenBlobs(settings.Blobs, create);
            return new SweepStores(ledger, blobs, null, ledgerText, blobsText);
        }
        catch
        {
            Blocking.Wait(ledger.DisposeAsync().AsTask());
            throw;
        }
    }

    /// <summary>
    /// Opens the stores to read (<c>status</c>, <c>results</c>, <c>report</c>): a home is opened without writing anything,
    /// so an archived or read-only one can be read; shared stores as <see cref="Open"/> without creating.
    /// </summary>
    public static SweepStores OpenForReading(StoreSettings settings, TimeProvider? clock = null)
    {
        if (settings.Shared) return Open(settings, create: false, clock);
        var embedded = EmbeddedStores.OpenForReading(settings.Home, clock);
        return new SweepStores(embedded.Ledger, embedded.Blobs, embedded.Home, $"home '{embedded.Home.Root}'", "");
    }

    private static (ILedger, string) OpenLedger(string ledger, TimeProvider? clock)
    {
        if (!PostgresConnectionString.IsPostgres(ledger))
            return (SqliteLedger.Open(ledger, clock), $"ledger '{Path.GetFullPath(ledger)}'");
        try
        {
            return (PostgresLedger.Open(ledger, clock), $"ledger {PostgresConnectionString.Describe(PostgresConnectionString.Parse(ledger))}");
        }
        catch (ArgumentException e)
        {
            throw new StorageUnavailableException($"--ledger: {e.Message}", e);
        }
    }

    /// <summary>A container (or directory) is created only by verbs that write (<paramref name="create"/>); reading verbs find it missing.</summary>
    private static (IBlobStore, string) OpenBlobs(string blobs, bool create)
    {
        if (!AzureBlobAccess.Names(blobs))
        {
            if (!create && !Directory.Exists(blobs)) throw new StorageUnavailableException($"blob store '{Path.GetFullPath(blobs)}': no such directory");
            return (FileBlobStore.Open(blobs), $"blobs '{Path.GetFullPath(blobs)}'");
        }
        AzureBlobAccess access;
        try
        {
            access = AzureBlobAccess.Resolve(blobs);
        }
        catch (FormatException e)
        {
            throw new StorageUnavailableException($"--blobs {AzureBlobUrl.Redact(blobs)}: {e.Message}", e);
        }
        // Verbs that only read answer at once when the endpoint is wrong; silos ride out an outage.
        var options = create ? new AzureBlobStoreOptions() : AzureBlobStoreOptions.ForReading;
        var store = Task.Run(() => AzureBlobStore.OpenAsync(access, options)).GetAwaiter().GetResult();
        return (store, $"blobs {access}");
    }

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync().ConfigureAwait(false);
        (Blobs as IDisposable)?.Dispose();
    }
}
