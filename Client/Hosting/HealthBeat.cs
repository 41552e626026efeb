using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Client.Hosting;

/// <summary>
/// Feeds a silo's <see cref="SiloHealth"/> while it works: liveness every beat (the process's loop runs), readiness
/// each time the catalog answers a query. Stops with its token.
/// </summary>
internal static class HealthBeat
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(SiloHealth health, ILedger ledger, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            health.Ticked();
            try
            {
                await ledger.ListSweepsAsync(stop).ConfigureAwait(false);
                health.LedgerAnswered();
                await Task.Delay(Every, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                // Not ready until the catalog answers again; liveness goes on.
                await Task.Delay(Every, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
