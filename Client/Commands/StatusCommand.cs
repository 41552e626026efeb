using System.CommandLine;
using OrleansSweeps.Client.Display;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary><c>sweeps status [SWEEP] [--home DIR | --ledger L --blobs B]</c>: runs and aggregates by state, per sweep.</summary>
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
        var stores = SweepStores.Open(settings, create: false);
        try
        {
            IReadOnlyList<SweepStatus> statuses = sweep is null
                ? Blocking.Wait(stores.Ledger.ListSweepsAsync())
                : [Blocking.Wait(stores.Ledger.GetSweepStatusAsync(sweep)) ?? throw new InvalidOperationException($"unknown sweep '{sweep}' in {stores.Description}")];
            Console.WriteLine("sweep\tstate\tpoints\truns done/total\tqueued\trunning\tfailed\taggregates done\tpending");
            foreach (var s in statuses)
            {
                var state = s.State == SweepState.Cancelled ? "cancelled" : s.RunsFinished && s.Aggregates.Ready + s.Aggregates.Running == 0 ? "finished" : "active";
                Console.WriteLine(string.Join('\t', s.Sweep, state, s.Points, $"{s.Runs.Completed + s.Runs.Failed}/{s.Runs.Total}",
                    s.Runs.Queued, s.Runs.Running, s.Runs.Failed, s.Aggregates.Completed, s.Aggregates.Ready + s.Aggregates.Running));
            }
            SiloTable.Write(Blocking.Wait(stores.Ledger.ListSilosAsync()), Blocking.Wait(stores.Ledger.ListRunningAsync()), sweep);
            return ExitCodes.Ok;
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }
}
