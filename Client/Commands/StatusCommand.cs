using System.CommandLine;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary><c>sweeps status [SWEEP] [--home DIR]</c>: runs and aggregates by state, per sweep.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var sweep = new Argument<string?>("sweep") { Description = "Sweep id (default: every sweep of the home)", Arity = ArgumentArity.ZeroOrOne };
        var home = CommonOptions.Home();
        var command = new Command("status", "Show the progress of the home's sweeps") { sweep, home };
        command.SetAction(parse => ErrorReporting.Run(() => Execute(parse.GetValue(sweep), parse.GetValue(home)!)));
        return command;
    }

    private static int Execute(string? sweep, string home)
    {
        var stores = EmbeddedStores.Open(home, create: false);
        try
        {
            IReadOnlyList<SweepStatus> statuses = sweep is null
                ? Blocking.Wait(stores.Ledger.ListSweepsAsync())
                : [Blocking.Wait(stores.Ledger.GetSweepStatusAsync(sweep)) ?? throw new InvalidOperationException($"unknown sweep '{sweep}' in '{stores.Home.Root}'")];
            Console.WriteLine("sweep\tstate\tpoints\truns done/total\tqueued\trunning\tfailed\taggregates done\tpending");
            foreach (var s in statuses)
            {
                var state = s.State == SweepState.Cancelled ? "cancelled" : s.RunsFinished && s.Aggregates.Ready + s.Aggregates.Running == 0 ? "finished" : "active";
                Console.WriteLine(string.Join('\t', s.Sweep, state, s.Points, $"{s.Runs.Completed + s.Runs.Failed}/{s.Runs.Total}",
                    s.Runs.Queued, s.Runs.Running, s.Runs.Failed, s.Aggregates.Completed, s.Aggregates.Ready + s.Aggregates.Running));
            }
            return ExitCodes.Ok;
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }
}
