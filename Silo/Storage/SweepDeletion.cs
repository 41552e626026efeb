using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.GrainStorage;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Ledger.Postgres;

namespace OrleansSweeps.Silo.Storage;

/// <summary>
/// Deletes a sweep and everything stored for it (<c>sweeps delete</c>): first its runs' grain states (cleared) and
/// reminders, then its blobs (spec, checkpoints, curves, vectors, results), the catalog last, so a deletion cut short
/// still lists the sweep and running it again finishes the job. The caller makes sure nothing trains the sweep.
/// </summary>
public static class SweepDeletion
{
    public sealed record Deleted(int RunStates, int Blobs, long Bytes);

    /// <param name="blobs">The sweep's blobs as <see cref="ListBlobsAsync"/> listed them (for the question before deleting), so they are listed once.</param>
    public static async Task<Deleted> DeleteAsync(SweepStores stores, StoreSettings settings, string sweep, IReadOnlyList<BlobItem> blobs, CancellationToken cancel = default)
    {
        var states = stores.Home is { } home
            ? SqliteGrainStorage.ClearSweepRuns(Path.Combine(home.Root, EmbeddedCluster.GrainStateFile), sweep)
            : PostgresConnectionString.IsPostgres(settings.Ledger ?? "")
                ? await ClusterGrainRows.DeleteSweepAsync(settings.Ledger!, new ClusterSettings().ServiceId, sweep, cancel).ConfigureAwait(false)
                : 0;
        foreach (var item in blobs) await stores.Blobs.DeleteAsync(item.Key, cancel: cancel).ConfigureAwait(false);
        // A home's blob directories are left empty by the deletes: remove them too.
        if (stores.Home is { } owner && Directory.Exists(owner.SweepDirectory(sweep))) Directory.Delete(owner.SweepDirectory(sweep), recursive: true);
        await stores.Ledger.DeleteSweepAsync(sweep, cancel).ConfigureAwait(false);
        return new Deleted(states, blobs.Count, blobs.Sum(b => b.Length));
    }

    /// <summary>Every blob of the sweep, listed whole before any is deleted (a listing's continuation is not promised to survive deletes).</summary>
    public static Task<List<BlobItem>> ListBlobsAsync(IBlobStore blobs, string sweep, CancellationToken cancel = default) =>
        ListAllAsync(blobs, BlobKeys.Sweep(sweep), cancel);

    private static async Task<List<BlobItem>> ListAllAsync(IBlobStore blobs, string prefix, CancellationToken cancel)
    {
        var items = new List<BlobItem>();
        string? continuation = null;
        do
        {
            var page = await blobs.ListAsync(prefix, 1000, continuation, cancel).ConfigureAwait(false);
            items.AddRange(page.Items);
            continuation = page.Continuation;
        }
        while (continuation is not null);
        return items;
    }
}
