using System.CommandLine;
using System.Globalization;
using OrleansSweeps.Grains.Sweeps;
using Orleans.Runtime;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>sweeps delete SWEEP [--home DIR | --ledger L --blobs B] [--yes]</c>: removes a sweep and all it stored (catalog
/// rows, run states and reminders, spec, checkpoints, curves, vectors, results), so its id can be run afresh and a
/// sweep that could not run leaves nothing behind. Nothing may train it meanwhile: on a home the verb holds the home's
/// lock; on a cluster the sweep must be finished, or cancelled with no run still draining, and no silo up.
/// </summary>
internal static class DeleteCommand
{
    public static Command Create()
    {
        var sweep = CommonOptions.Sweep();
        var yes = new Option<bool>("--yes") { Description = "Delete without asking (needed when stdin is not a terminal)" };
        var stores = new StoreOptions();
        var command = new Command("delete", "Delete a sweep and everything stored for it (cannot be undone)") { sweep, yes };
        stores.AddTo(command);
        command.SetAction(parse => ErrorReporting.Run(() => Execute(parse.GetValue(sweep)!, parse.GetValue(yes), stores.Read(parse))));
        return command;
    }

    private static int Execute(string id, bool yes, StoreSettings settings)
    {
        var stores = SweepStores.Open(settings, create: false);
        try
        {
            // A home is locked: no `run` may train on it while its sweep is being deleted.
            using var homeLock = stores.Home is { } home ? HomeLock.Acquire(home.Root) : null;
            var status = Blocking.Wait(stores.Ledger.GetSweepStatusAsync(id)) ?? throw new UnknownSweepException($"unknown sweep '{id}' in {stores.Description}");
            if (settings.Shared) RequireIdle(status, settings);
            var blobs = Blocking.Wait(SweepDeletion.ListBlobsAsync(stores.Blobs, id));
            var what = $"{status.Runs.Total} run(s), {blobs.Count} blob(s), {Megabytes(blobs.Sum(b => b.Length))}";
            if (!yes && !Confirmed(id, what)) return ExitCodes.Failed;
            var deleted = Blocking.Wait(SweepDeletion.DeleteAsync(stores, settings, id, blobs));
            Console.WriteLine($"sweep {id}: deleted ({status.Runs.Total} run(s), {deleted.Blobs} blob(s), {Megabytes(deleted.Bytes)})");
            return ExitCodes.Ok;
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }

    /// <summary>
    /// On a cluster, silos may train an active sweep at any moment: it is cancelled, and drained, first. And no silo may
    /// be up: a silo keeps what it read of a sweep (its spec, its points' data, its runs' activations and reminders) for
    /// as long as it lives, and would give it to a sweep registered again under the same id.
    /// </summary>
    private static void RequireIdle(SweepStatus status, StoreSettings settings)
    {
        var finished = status.RunsFinished && status.Aggregates.Ready == 0;
        if (status.State == SweepState.Active && !finished)
            throw new UsageException($"sweep {status.Sweep} is active on the cluster: `sweeps cancel {status.Sweep}` first, then delete it once `sweeps status` shows 0 running");
        if (status.Runs.Running > 0)
            throw new UsageException($"sweep {status.Sweep}: {status.Runs.Running} run(s) still draining after the cancel; delete it once `sweeps status` shows 0 running");
        if (!PostgresConnectionString.IsPostgres(settings.Ledger ?? "")) return;
        var up = Blocking.Wait(ClusterMembers.ReadAsync(settings.Ledger!, new ClusterSettings().ClusterId, CancellationToken.None))
            .Where(m => m.Status is not SiloStatus.Dead).Select(m => m.Silo).Distinct().ToArray();
        if (up.Length > 0)
            throw new UsageException($"sweep {status.Sweep}: stop the cluster's silos first ({string.Join(", ", up)} up): a silo keeps the spec, data and runs it read of a sweep and would reuse them for the id");
    }

    private static bool Confirmed(string id, string what)
    {
        if (Console.IsInputRedirected)
            throw new UsageException($"delete {id}: deleting {what} cannot be undone; add --yes (stdin is not a terminal to ask)");
        Console.Write($"delete sweep {id}: {what}? [y/N] ");
        if (Console.ReadLine()?.Trim().ToLowerInvariant() is "y" or "yes") return true;
        Console.Error.WriteLine($"sweep {id}: not deleted");
        return false;
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
