using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Client.Hosting;

/// <summary>What a cluster silo does as it starts: drives the sweeps that are active, in case no silo does.</summary>
internal static class ActiveSweeps
{
    /// <summary>
    /// Drives each active, unfinished sweep: one submitted while no silo was up, or whose grain's reminder has not fired
    /// yet. It runs beside the silo and never fails it: a sweep grain on a silo that froze or died answers only when
    /// Orleans declares that silo dead, or not at all (the call times out), and its reminder drives it again anyway.
    /// </summary>
    public static async Task DriveAsync(ILedger ledger, IGrainFactory grains, Action<string> warn, CancellationToken cancel)
    {
        try
        {
            foreach (var sweep in await ledger.ListSweepsAsync(cancel).ConfigureAwait(false))
            {
                if (sweep.State != SweepState.Active || (sweep.RunsFinished && sweep.Aggregates.Ready == 0)) continue;
                try
                {
                    await grains.GetGrain<ISweepGrain>(sweep.Sweep).Drive().WaitAsync(cancel).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancel.IsCancellationRequested)
                {
                    warn($"sweep {sweep.Sweep}: not driven from this silo now; its reminder drives it ({e.Message.ReplaceLineEndings(" ")})");
                }
            }
        }
        catch (Exception e)
        {
            // Stopping, the silo says nothing of what it did not drive: that is its reminders' to drive.
            if (!cancel.IsCancellationRequested)
                warn($"the active sweeps were not driven from this silo; their reminders drive them ({e.Message.ReplaceLineEndings(" ")})");
        }
    }
}
