using System.CommandLine;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>sweeps cancel SWEEP [--home DIR | --ledger L --blobs B]</c>: marks the sweep cancelled in the catalog; its grain sees it
/// within a second, admits no more runs and has the running ones checkpoint and stop. <c>sweeps resume</c> continues it.
/// </summary>
internal static class CancelCommand
{
    public static Command Create()
    {
        var sweep = CommonOptions.Sweep();
        var stores = new StoreOptions();
        var command = new Command("cancel", "Cancel a sweep (its silo checkpoints and stops; resume continues it)") { sweep };
        stores.AddTo(command);
        command.SetAction(parse => ErrorReporting.Run(() =>
        {
            var id = parse.GetValue(sweep)!;
            var opened = SweepStores.Open(stores.Read(parse), create: false);
            try
            {
                var status = Blocking.Wait(opened.Ledger.GetSweepStatusAsync(id)) ?? throw new UnknownSweepException($"unknown sweep '{id}' in {opened.Description}");
                // A finished sweep has nothing to stop; marking it cancelled would only make status say so.
                var state = StatusCommand.State(status);
                if (state is "finished" or "cancelled")
                {
                    Console.WriteLine($"sweep {id}: already {state}; nothing to cancel");
                    return ExitCodes.Ok;
                }
                if (!Blocking.Wait(opened.Ledger.CancelSweepAsync(id))) throw new UnknownSweepException($"unknown sweep '{id}' in {opened.Description}");
                Console.WriteLine($"sweep {id}: cancelled; its running runs checkpoint and stop; `sweeps resume {id}` continues it");
                return ExitCodes.Ok;
            }
            finally
            {
                Blocking.Wait(opened.DisposeAsync().AsTask());
            }
        }));
        return command;
    }
}
