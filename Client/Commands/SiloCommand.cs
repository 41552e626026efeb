using System.CommandLine;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansSweeps.Client.Hosting;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Grains.Placement;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Placement;
using OrleansSweeps.Silo.Sites;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>sweeps silo --ledger postgresql://… --blobs B [--slots N] [--device D] [--name NAME] [--silo-port P] [--gateway-port P]
/// [--advertise IP] [--threads N] [--checkpoint-interval S] [--health-port P] [--health-address A] [--grace-period S]</c>:
/// an Orleans silo of the cluster whose membership, reminders and run states are in that PostgreSQL database. It
/// advertises its device and slots as silo metadata, trains the runs placed on it, drives the sweeps that are active
/// when it starts, and on Ctrl-C / SIGTERM drains: every run it trains checkpoints and resumes on another silo.
/// </summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var hosting = new HostingOptions();
        // A silo has no spec to take a device from: it serves CUDA when libtorch sees a GPU.
        hosting.Device.Description = "cpu, cuda or cuda:i: the device this silo trains on and serves (default: cuda when libtorch sees a GPU, else cpu)";
        var name = new Option<string?>("--name") { Description = "This silo's name in the cluster (default: host name and process id; in a pod, the pod's name)" };
        var siloPort = new Option<int?>("--silo-port") { Description = "Silo-to-silo port (default 11111; 0: a free one)" };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Client gateway port (default 30000; 0: a free one)" };
        var advertise = new Option<string?>("--advertise") { Description = "IP address other silos and clients reach this one at (default: the host's first non-loopback IPv4)" };
        var command = new Command("silo", "Join the cluster of a shared ledger and blob store and train its runs until stopped") { name, siloPort, gatewayPort, advertise };
        hosting.AddTo(command);
        command.SetAction((parse, cancel) => Task.Run(() => ErrorReporting.Run(() => Execute(hosting.Read(parse), parse.GetValue(name),
            Cluster(parse.GetValue(siloPort), parse.GetValue(gatewayPort), parse.GetValue(advertise)), cancel))));
        return command;
    }

    private static ClusterSettings Cluster(int? siloPort, int? gatewayPort, string? advertise)
    {
        var defaults = new ClusterSettings();
        if (siloPort is < 0 or > 65535) throw new UsageException($"--silo-port {siloPort}: 0 to 65535");
        if (gatewayPort is < 0 or > 65535) throw new UsageException($"--gateway-port {gatewayPort}: 0 to 65535");
        IPAddress? address = null;
        if (advertise is not null && !IPAddress.TryParse(advertise, out address)) throw new UsageException($"--advertise '{advertise}': an IP address");
        return defaults with
        {
            SiloPort = siloPort is 0 ? FreePort.Next() : siloPort ?? defaults.SiloPort,
            GatewayPort = gatewayPort is 0 ? FreePort.Next() : gatewayPort ?? defaults.GatewayPort,
            AdvertisedAddress = address,
        };
    }

    private static int Execute(SiloSettings settings, string? name, ClusterSettings cluster, CancellationToken cancel)
    {
        if (!settings.Stores.Shared) throw new UsageException($"sweeps silo works on shared stores: give --ledger and --blobs (or ${StoreSettings.LedgerVariable} and ${StoreSettings.BlobsVariable})");
        if (!PostgresConnectionString.IsPostgres(settings.Stores.Ledger ?? ""))
            throw new UsageException("sweeps silo needs a PostgreSQL --ledger: the cluster's membership, reminders and run states live there");
        if (name is not null && (name.Length is 0 or > 200 || name.Any(char.IsControl))) throw new UsageException($"--name '{name}': 1 to 200 printable characters");
        EmbeddedSilo.Check(settings);
        var stores = SweepStores.Open(settings.Stores, create: true);
        try
        {
            // Placement: the silo serves one kind of device (its --device, else CUDA when libtorch sees a GPU) and is
            // placed only runs whose spec needs that kind; it trains them on its own device.
            var device = settings.Device ?? (NativeRuntime.CudaDeviceCount() > 0 ? DeviceKind.Cuda : DeviceKind.Cpu);
            var serves = SlotMetadata.KindOf(device);
            var slots = settings.Slots ?? (serves == DeviceKind.Cuda ? Math.Max(1, NativeRuntime.CudaDeviceCount()) : Environment.ProcessorCount);
            var options = EmbeddedSilo.SiloOptions(settings with { Device = device, Slots = slots }, observer: null) with { Serves = serves, Name = name ?? DefaultName() };
            return Blocking.Wait(ServeAsync(stores, settings, options, cluster, cancel));
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }

    /// <summary>
    /// What <c>--name</c> defaults to: the host name and process id, unique on one host and readable in <c>sweeps status</c>;
    /// none in a pod, where Orleans' Kubernetes hosting names the silo after the pod.
    /// </summary>
    private static string? DefaultName() =>
        KubernetesPod.From(Environment.GetEnvironmentVariable) is null ? $"{Environment.MachineName}-{Environment.ProcessId}" : null;

    private static async Task<int> ServeAsync(SweepStores stores, SiloSettings settings, SweepsSiloOptions options, ClusterSettings cluster, CancellationToken cancel)
    {
        var health = new SiloHealth();
        using var server = HealthEndpoint.Start(settings.Lifecycle.Health, health);
        var ledger = InstrumentedLedger.Wrap(stores.Ledger);
        var host = await ClusterHosting.StartSiloAsync(settings.Stores.Ledger!, ledger, InstrumentedBlobStore.Wrap(stores.Blobs), options, cluster,
            settings.Lifecycle.GracePeriod, cancel).ConfigureAwait(false);
        health.AlsoReadyWhen(OrleansReadiness.Of(host.Services).NotReady);
        var drain = host.Services.GetRequiredService<SiloDrain>(); // resolved now: the host is disposed before its abandoned runs are read
        using var stopBeat = new CancellationTokenSource();
        var beat = HealthBeat.RunAsync(health, ledger, stopBeat.Token);
        var driving = Task.CompletedTask;
        try
        {
            Console.WriteLine($"silo {options.Name ?? Environment.MachineName}: {options.Slots} slot(s) on {options.Device}, serving runs that need {options.Serves}; " +
                $"silo port {cluster.SiloPort}, gateway {cluster.GatewayPort}; {stores.Description}");
            driving = ActiveSweeps.DriveAsync(ledger, host.Services.GetRequiredService<IGrainFactory>(), options.Warn, cancel);
            await Task.Delay(Timeout.Infinite, cancel).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            health.StartedDraining();
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await driving.ConfigureAwait(false);
            await stopBeat.CancelAsync().ConfigureAwait(false);
            await beat.ConfigureAwait(false);
            host.Dispose();
        }
        var abandoned = drain.Abandoned;
        if (abandoned.Count > 0) throw new DrainTimeoutException(settings.Lifecycle.GracePeriod, abandoned.Select(r => r.ToString()).ToArray());
        Console.Error.WriteLine("silo stopped: its runs checkpointed and go on elsewhere");
        return ExitCodes.Interrupted;
    }
}
