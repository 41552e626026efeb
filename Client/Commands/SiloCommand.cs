using System.CommandLine;
using OrleansSweeps.Client.Hosting;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>sweeps silo --ledger L --blobs B [--slots N] [--device D] [--name NAME] [--lease S] [--threads N] [--checkpoint-interval S]
/// [--health-port P] [--health-address A] [--grace-period S]</c>:
/// a cluster worker. It joins the shared ledger (heartbeats), claims runs and aggregates of every active
/// sweep up to its slots (the replicates of a point preferring one silo), expires silos that fell silent and
/// works until Ctrl-C / SIGTERM, when it drains: every run checkpoints and every lease goes back.
/// </summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var hosting = new HostingOptions();
        var name = new Option<string?>("--name") { Description = "This silo's name in the ledger (default: host, process id and a random suffix); unique per process" };
        var lease = new Option<double?>("--lease") { Description = "Seconds a claim holds work before another silo may take it over (default 30); renewals every third of it, silos silent for two leases are expired" };
        var command = new Command("silo", "Work on the sweeps of a shared ledger and blob store until stopped") { name, lease };
        hosting.AddTo(command);
        command.SetAction((parse, cancel) => Task.Run(() => ErrorReporting.Run(() => Execute(hosting.Read(parse), parse.GetValue(name), parse.GetValue(lease), cancel))));
        return command;
    }

    private static int Execute(SiloSettings settings, string? name, double? leaseSeconds, CancellationToken cancel)
    {
        if (leaseSeconds is < 1 or > 3600 || leaseSeconds is double.NaN) throw new UsageException($"--lease {leaseSeconds}: must be 1 to 3600 seconds");
        if (!settings.Stores.Shared) throw new UsageException($"sweeps silo works on shared stores: give --ledger and --blobs (or ${StoreSettings.LedgerVariable} and ${StoreSettings.BlobsVariable})");
        if (name is not null && (name.Length is 0 or > 200 || name.Any(char.IsControl))) throw new UsageException($"--name '{name}': 1 to 200 printable characters");
        EmbeddedSilo.Check(settings);
        var stores = SweepStores.Open(settings.Stores, create: true);
        try
        {
            // Placement: the silo serves one kind of device (its --device, else CUDA when libtorch sees a GPU)
            // and claims only runs whose spec needs that kind; it trains them on its own device.
            var device = settings.Device ?? (NativeRuntime.CudaDeviceCount() > 0 ? DeviceKind.Cuda : DeviceKind.Cpu);
            var serves = DeviceKind.Of(device);
            var defaultSlots = serves == DeviceKind.Cuda ? Math.Max(1, NativeRuntime.CudaDeviceCount()) : Environment.ProcessorCount;
            var options = EmbeddedSilo.Options(settings with { Device = device }, defaultSlots, shared: true, name) with { Serves = serves };
            if (leaseSeconds is { } seconds)
            {
                var lease = TimeSpan.FromSeconds(seconds);
                options = options with { LeaseDuration = lease, RenewEvery = lease / 3, SiloSilence = 2 * lease };
            }
            // The ledger is heard at least every renewal: readiness allows three missed ones before it reports silence.
            var health = new SiloHealth();
            if (3 * options.RenewEvery > health.ReadinessWindow) health.ReadinessWindow = 3 * options.RenewEvery;
            using var server = HealthEndpoint.Start(settings.Lifecycle.Health, health);
            using var silo = new SiloHost(InstrumentedLedger.Wrap(stores.Ledger), InstrumentedBlobStore.Wrap(stores.Blobs), options,
                warning => Console.Error.WriteLine($"warning: {warning}")) { Health = health };
            Console.WriteLine($"silo {options.SiloId}: {options.Slots} slot(s) on {device}, serving runs that need {serves}; {stores.Description}");
            silo.ServeAsync(cancel).GetAwaiter().GetResult();
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("silo stopped: work checkpointed and leases given back");
            return ExitCodes.Interrupted;
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }
}
