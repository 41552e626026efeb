using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.GrainStorage;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Placement;
using OrleansSweeps.Silo.Sites;
using OrleansSweeps.Grains.Runs;

namespace OrleansSweeps.Silo.Hosting;

/// <summary>
/// One silo and its client in this process (<c>sweeps run</c>, no servers): localhost clustering on free loopback
/// ports, run states in a SQLite file of the home (<see cref="SqliteGrainStorage"/>, ETag = row version), the home's
/// catalog and blobs. Stopping it deactivates every grain: training runs drain (checkpoint) first.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    /// <summary>The grain-state file in the home.</summary>
    public const string GrainStateFile = "grains.db";

    private readonly IHost _host;
    private bool _stopped;

    private EmbeddedCluster(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public SweepWatch Watch => _host.Services.GetRequiredService<SweepWatch>();

    /// <summary>The engine and slot time of the runs trained here so far.</summary>
    public TrainingTimes Times => _host.Services.GetRequiredService<TrainingTimes>();

    /// <summary>Starts the silo; <paramref name="drainTimeout"/> bounds how long a stop waits for runs to checkpoint.</summary>
    public static async Task<EmbeddedCluster> StartAsync(
        string home, ILedger ledger, IBlobStore blobs, SweepsSiloOptions options, TimeSpan drainTimeout, CancellationToken cancel)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = Bounded(drainTimeout) + TimeSpan.FromSeconds(5));
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort.Next(), FreePort.Next(), serviceId: "sweeps", clusterId: "embedded");
            silo.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = Bounded(drainTimeout));
            silo.AddSqliteGrainStorage(RunGrain.StorageName, Path.Combine(home, GrainStateFile));
            silo.AddSweeps(ledger, blobs, options);
        });
        var host = builder.Build();
        await host.StartAsync(cancel).ConfigureAwait(false);
        return new EmbeddedCluster(host);
    }

    /// <summary>
    /// Deactivates every grain (training runs drain, each within the grace period) and stops the silo; returns the runs
    /// still training then, which stopped without a final checkpoint (their threads end with the process).
    /// </summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        return _host.Services.GetRequiredService<SiloDrain>().Abandoned.Select(r => r.ToString()).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }

    /// <summary>Orleans takes no infinite timeout here: "no limit" is a day.</summary>
    internal static TimeSpan Bounded(TimeSpan timeout) => timeout == Timeout.InfiniteTimeSpan || timeout > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : timeout;
}
