using System.CommandLine;
using System.Text.RegularExpressions;
using OrleansSweeps.Client.Display;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>sweeps run SPEC.yaml [--home DIR | --ledger L --blobs B [--detach]] [--id NAME] [--device cpu|cuda[:i]] [--slots N]
/// [--threads N]</c>: submits the sweep to the ledger (spec copy in the blob store) and hosts a silo until every
/// run and aggregate has completed, then prints a summary and the sweep id; with <c>--detach</c> it only submits
/// (cluster silos do the work). Running it again continues an interrupted sweep.
/// </summary>
internal static partial class RunCommand
{
    public static Command Create()
    {
        var spec = CommonOptions.Spec();
        var hosting = new HostingOptions();
        var id = new Option<string?>("--id") { Description = "Sweep id (default: spec name + hash of the spec text)" };
        var detach = new Option<bool>("--detach") { Description = "Only submit (to shared stores): `sweeps silo` processes do the work" };
        var command = new Command("run", "Submit a sweep and work on it in this process until it completes") { spec, id, detach };
        hosting.AddTo(command);
        // Work runs off the signal-handling thread so Ctrl-C / SIGTERM can cancel it and wait for the drain.
        command.SetAction((parse, cancel) => Task.Run(() => ErrorReporting.Run(() =>
            Execute(parse.GetValue(spec)!, parse.GetValue(id), parse.GetValue(detach), hosting.Read(parse), cancel))));
        return command;
    }

    private static int Execute(string specPath, string? id, bool detach, SiloSettings settings, CancellationToken cancel)
    {
        var sweep = SpecLoader.LoadFile(specPath);
        if (id is not null && !IdPattern().IsMatch(id)) throw new UsageException($"--id '{id}': use 1–100 characters of A-Z a-z 0-9 . _ -");
        if (detach && !settings.Stores.Shared) throw new UsageException("--detach submits to shared stores for `sweeps silo` workers: give --ledger and --blobs");
        if (!detach) EmbeddedSilo.Prepare(settings, sweep);
        var sweepId = id ?? SweepHome.DefaultSweepId(sweep);
        using var homeLock = detach ? null : EmbeddedSilo.LockHome(settings.Stores);
        var stores = SweepStores.Open(settings.Stores, create: true);
        try
        {
            var grain = new SweepCatalog(sweepId, new LedgerSweepStore(stores.Ledger, stores.Blobs));
            using (var submit = SweepTrace.StartSubmit(stores.Blobs, sweepId))
            {
                grain.Submit(sweep);
                // After registration (a rejected id stores nothing); silos that claim its runs link their spans to it.
                Blocking.Wait(SweepTrace.StoreAsync(stores.Blobs, sweepId, submit));
            }
            if (!detach) return EmbeddedSilo.Host(stores, grain, sweep, settings, cancel);
            Console.WriteLine($"sweep {sweepId}: submitted, {Counted.Of(sweep.RunCount, "run")}; `sweeps status {sweepId}` shows its progress");
            ClusterConsole.TryDrive(settings.Stores, sweepId, cancel);
            return ExitCodes.Ok;
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex IdPattern();
}
