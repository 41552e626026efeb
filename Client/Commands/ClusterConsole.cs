using Microsoft.Extensions.DependencyInjection;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary>The console as an Orleans client of a cluster (through the gateways in the membership table).</summary>
internal static class ClusterConsole
{
    /// <summary>How long a console waits for a gateway before it leaves a submitted sweep to the silos.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Asks the sweep's grain to start admitting its runs. No silo up is not an error: the sweep is in the catalog, and
    /// every silo drives the active sweeps when it starts.
    /// </summary>
    public static void TryDrive(StoreSettings stores, string sweep, CancellationToken cancel)
    {
        if (!PostgresConnectionString.IsPostgres(stores.Ledger ?? "")) return;
        try
        {
            Blocking.Wait(DriveAsync(stores.Ledger!, sweep, cancel));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine($"note: no silo answered ({e.GetBaseException().Message.ReplaceLineEndings(" ")}); the first `sweeps silo` to start runs sweep {sweep}");
        }
    }

    private static async Task DriveAsync(string postgres, string sweep, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(ConnectTimeout);
        using var client = await ClusterHosting.ConnectClientAsync(postgres, new ClusterSettings(), timeout.Token).ConfigureAwait(false);
        try
        {
            await client.Services.GetRequiredService<IGrainFactory>().GetGrain<ISweepGrain>(sweep).Drive().WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await client.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
