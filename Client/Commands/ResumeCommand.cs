using System.CommandLine;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>sweeps resume SWEEP [--home DIR] [--slots N] …</c>: continues a stopped, killed or cancelled sweep from
/// its stored spec: finished work is kept, interrupted runs resume from their last checkpoint.
/// </summary>
internal static class ResumeCommand
{
    public static Command Create()
    {
        var sweep = CommonOptions.Sweep();
        var hosting = new HostingOptions();
        var command = new Command("resume", "Continue a sweep (killed, interrupted or cancelled) until it completes") { sweep };
        hosting.AddTo(command);
        command.SetAction((parse, cancel) => Task.Run(() => ErrorReporting.Run(() =>
            Execute(parse.GetValue(sweep)!, hosting.Read(parse), cancel))));
        return command;
    }

    private static int Execute(string sweepId, SiloSettings settings, CancellationToken cancel)
    {
        var stores = SweepStores.Open(settings.Stores, create: false);
        try
        {
            var grain = new SweepCatalog(sweepId, new LedgerSweepStore(stores.Ledger, stores.Blobs));
            var spec = grain.LoadSpec();
            EmbeddedSilo.Prepare(settings, spec);
            using var homeLock = EmbeddedSilo.LockHome(settings.Stores);
            grain.Submit(spec);
            return EmbeddedSilo.Host(stores, grain, spec, settings, cancel);
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }
}
