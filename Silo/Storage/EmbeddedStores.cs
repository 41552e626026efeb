using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Sqlite;

namespace OrleansSweeps.Silo.Storage;

/// <summary>The ledger and blob store of an embedded home, opened together.</summary>
public sealed class EmbeddedStores : IAsyncDisposable
{
    private EmbeddedStores(SweepHome home, ILedger ledger, IBlobStore blobs)
    {
        Home = home;
        Ledger = ledger;
        Blobs = blobs;
    }

    public SweepHome Home { get; }

    public ILedger Ledger { get; }

    public IBlobStore Blobs { get; }

    /// <summary>
    /// Opens (with <paramref name="create"/>: creating) the home's ledger and blobs. Without it, a home with
    /// no ledger throws <see cref="StorageUnavailableException"/>: reading verbs never create one by accident.
    /// </summary>
    public static EmbeddedStores Open(string home, bool create, TimeProvider? clock = null)
    {
        var sweepHome = new SweepHome(home);
        if (!create && !sweepHome.Exists) throw new StorageUnavailableException($"home '{sweepHome.Root}': no ledger ({SqliteLedger.FileName}); run a sweep there first");
        var ledger = SqliteLedger.OpenInHome(sweepHome.Root, clock);
        return new EmbeddedStores(sweepHome, ledger, FileBlobStore.OpenInHome(sweepHome.Root));
    }

    /// <summary>Opens an existing home to read it, writing nothing (<see cref="SqliteLedger.OpenForReading"/>): it may be read-only.</summary>
    public static EmbeddedStores OpenForReading(string home, TimeProvider? clock = null)
    {
        var sweepHome = new SweepHome(home);
        if (!sweepHome.Exists) throw new StorageUnavailableException($"home '{sweepHome.Root}': no ledger ({SqliteLedger.FileName}); run a sweep there first");
        var ledger = SqliteLedger.OpenForReading(sweepHome.LedgerPath, clock);
        return new EmbeddedStores(sweepHome, ledger, FileBlobStore.OpenForReading(Path.Combine(sweepHome.Root, FileBlobStore.DirectoryName)));
    }

    public ValueTask DisposeAsync() => Ledger.DisposeAsync();
}
