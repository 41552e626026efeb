using System.CommandLine;
using Orleans.Runtime;
using OrleansSweeps.Client.Display;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>sweeps status [SWEEP] [--home DIR | --ledger L --blobs B]</c>: runs and aggregates by state, per sweep; then the
/// silos (a cluster's from Orleans' membership table; a home's while a process runs a silo on it) and what each trains.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var sweep = new Argument<string?>("sweep") { Description = "Sweep id (default: every sweep of the home)", Arity = ArgumentArity.ZeroOrOne };
        var stores = new StoreOptions();
        var command = new Command("status", "Show the progress of the sweeps, the silos and what runs where") { sweep };
        stores.AddTo(command);
        command.SetAction(parse => ErrorReporting.Run(() => Execute(parse.GetValue(sweep), stores.Read(parse))));
        return command;
    }

    private static int Execute(string? sweep, StoreSettings settings)
    {
        var stores = SweepStores.OpenForReading(settings);
        try
        {
            IReadOnlyList<SweepStatus> statuses = sweep is null
                ? Blocking.Wait(stores.Ledger.ListSweepsAsync())
                : [Blocking.Wait(stores.Ledger.GetSweepStatusAsync(sweep)) ?? throw new UnknownSweepException($"unknown sweep '{sweep}' in {stores.Description}")];
            // A home no process holds trains nothing: what the catalog says is running, a killed process left, and the
            // next `run` or `resume` queues again (RequeueRunningAsync). Say so rather than show it running.
            var idleHome = stores.Home is { } home && !HomeLock.IsHeld(home.Root);
            var rows = statuses.Select(s => (IReadOnlyList<string>)
            [
                s.Sweep, State(s), Count(s.Points), $"{s.Runs.Completed + s.Runs.Failed}/{s.Runs.Total}",
                Count(s.Runs.Queued + (idleHome ? s.Runs.Running : 0)), Count(idleHome ? 0 : s.Runs.Running), Count(s.Runs.Failed),
                Count(s.Aggregates.Completed), Count(s.Aggregates.Ready),
            ]).ToArray();
            foreach (var line in TextTable.Lines(SweepHeader, rows)) Console.WriteLine(line);
            var slots = Blocking.Wait(stores.Ledger.ListSiloSlotsAsync());
            var running = Blocking.Wait(stores.Ledger.ListRunningAsync());
            SiloTable.Write(Members(stores, settings, slots, running), slots, running, sweep, DateTimeOffset.UtcNow);
            return ExitCodes.Ok;
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }

    private static readonly string[] SweepHeader = ["sweep", "state", "points", "runs done/total", "queued", "running", "failed", "aggregates done", "pending"];

    /// <summary>Finished: every run ended and no aggregate waits; a cancelled sweep says so until resumed.</summary>
    internal static string State(SweepStatus s) =>
        s.State == SweepState.Cancelled ? "cancelled" : s.RunsFinished && s.Aggregates.Ready == 0 ? "finished" : "active";

    private static string Count(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A cluster's silos are Orleans' to list. A home has no membership table: while a process holds its lock, the silo
    /// that started last (that process's) and those the catalog says train runs are active; otherwise none is.
    /// Shared stores on a SQLite ledger are no cluster (a cluster needs PostgreSQL): no silos.
    /// </summary>
    private static IReadOnlyList<MemberSilo> Members(SweepStores stores, StoreSettings settings, IReadOnlyList<SiloSlots> slots, IReadOnlyList<RunningRun> running)
    {
        if (stores.Home is { } home)
        {
            if (!HomeLock.IsHeld(home.Root)) return [];
            var started = slots.MaxBy(s => s.StartedAt);
            return running.Select(r => r.Silo).Append(started?.Silo).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(name => new MemberSilo(name, "", SiloStatus.Active, slots.FirstOrDefault(s => s.Silo == name)?.StartedAt ?? default, null))
                .ToArray();
        }
        if (!PostgresConnectionString.IsPostgres(settings.Ledger ?? "")) return [];
        return Blocking.Wait(ClusterMembers.ReadAsync(settings.Ledger!, new ClusterSettings().ClusterId, CancellationToken.None));
    }
}
