using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Cluster.Postgres;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Sites;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Silo.Cluster;

/// <summary>
/// A cluster silo (<c>sweeps silo</c>) and the console's cluster client: membership, reminders and run states in
/// PostgreSQL through the official Orleans ADO.NET providers (our schema, <see cref="OrleansPostgresSchema"/>), the
/// catalog in the same database, blobs in the shared blob store.
/// </summary>
public static class ClusterHosting
{
    public const string Invariant = "Npgsql";

    /// <summary>Applies the Orleans schema, then starts a silo that joins the cluster; stop it to drain.</summary>
    public static async Task<IHost> StartSiloAsync(
        string postgres, ILedger ledger, IBlobStore blobs, SweepsSiloOptions options, ClusterSettings cluster, TimeSpan drainTimeout, CancellationToken cancel)
    {
        await OrleansPostgresSchema.EnsureAsync(postgres, cancel).ConfigureAwait(false);
        var connection = PostgresConnectionString(postgres);
        var builder = Builder(drainTimeout);
        builder.UseOrleans(silo =>
        {
            Identify(silo.Services, cluster);
            silo.ConfigureEndpoints(cluster.AdvertisedAddress ?? HostAddress(), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
            KubernetesHosting.UseWhenInPod(silo, cluster, options.Name);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = cluster.ProbeTimeout;
                o.NumMissedProbesLimit = cluster.MissedProbesLimit;
                o.NumVotesForDeathDeclaration = cluster.VotesForDeathDeclaration;
                o.TableRefreshTimeout = cluster.TableRefreshTimeout;
                o.EnableConnectionLivenessCheck = cluster.ConnectionLivenessCheck;
            });
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = cluster.ReminderPeriod);
            silo.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = EmbeddedCluster.Bounded(drainTimeout));
            silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant, connection));
            silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (Invariant, connection));
            silo.AddAdoNetGrainStorage(RunGrain.StorageName, o => (o.Invariant, o.ConnectionString) = (Invariant, connection));
            silo.AddSweeps(ledger, blobs, options with { ReminderPeriod = cluster.ReminderPeriod });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancel).ConfigureAwait(false);
            return host;
        }
        catch (Microsoft.AspNetCore.Connections.AddressInUseException e)
        {
            host.Dispose();
            // Orleans' listener does not say which port it could not bind.
            throw new IOException($"silo port {cluster.SiloPort} or gateway port {cluster.GatewayPort}: already in use on this host ({e.Message})", e);
        }
    }

    /// <summary>A client connected to the cluster's gateways (found in the membership table).</summary>
    public static async Task<IHost> ConnectClientAsync(string postgres, ClusterSettings cluster, CancellationToken cancel)
    {
        await OrleansPostgresSchema.EnsureAsync(postgres, cancel).ConfigureAwait(false);
        var connection = PostgresConnectionString(postgres);
        var builder = Builder(TimeSpan.FromSeconds(5));
        builder.UseOrleansClient(client =>
        {
            Identify(client.Services, cluster);
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant, connection));
            client.AddOrleansTelemetry();
        });
        var host = builder.Build();
        await host.StartAsync(cancel).ConfigureAwait(false);
        return host;
    }

    private static HostApplicationBuilder Builder(TimeSpan drainTimeout)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        SiloLogging.AddFromEnvironment(builder.Logging);
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = EmbeddedCluster.Bounded(drainTimeout) + TimeSpan.FromSeconds(5));
        return builder;
    }

    private static void Identify(IServiceCollection services, ClusterSettings cluster) =>
        services.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));

    private static string PostgresConnectionString(string postgres) => Ledger.Postgres.PostgresConnectionString.Parse(postgres).ConnectionString;

    /// <summary>The first up, non-loopback IPv4 address of this host (a pod's IP), else loopback.</summary>
    private static IPAddress HostAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? IPAddress.Loopback;
}
