using System.CommandLine;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>sweeps cancel SWEEP [--home DIR | --ledger L --blobs B]</c>: stops new claims of the sweep's work; a silo working on it learns
/// it at its next lease renewal, checkpoints and gives the leases back. <c>sweeps resume</c> continues it.
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
                if (!Blocking.Wait(opened.Ledger.CancelSweepAsync(id))) throw new InvalidOperationException($"unknown sweep '{id}' in {opened.Description}");
                Console.WriteLine($"sweep {id}: cancelled; running work checkpoints at its next lease renewal; `sweeps resume {id}` continues it");
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
