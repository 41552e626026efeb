using System.Diagnostics;

namespace OrleansSweeps.Silo.Hosting;

public sealed partial class SiloHost
{
    private Deadline DrainDeadline() => new(options.DrainTimeout, Stopwatch.GetTimestamp());

    /// <summary>
    /// The drain outlasted its timeout: the activations still running are marked lost (their grains write nothing
    /// more: no report, checkpoint or completion) and their leases are given back now, so another silo can resume
    /// them from their previous checkpoint at once. Their slot threads are left to the process exit.
    /// </summary>
    private async Task AbandonAsync()
    {
        var left = _active.Values.ToArray();
        // First, so slot threads that see their lease lost now know why (and do not warn about another holder).
        _abandoned = left.Select(w => w.Lease.Resource.ToString()).ToArray();
        foreach (var work in left) await work.Lost.CancelAsync().ConfigureAwait(false);
        foreach (var work in left)
        {
            try
            {
                await ledger.ReleaseAsync(work.Lease).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                warn?.Invoke($"could not give back the lease on {work.Lease.Resource}: {e.Message}");
            }
        }
    }

    private readonly record struct Deadline(TimeSpan Timeout, long StartedAt)
    {
        /// <summary>Time left; null once passed. Always a positive time for an infinite timeout.</summary>
        public TimeSpan? Left()
        {
            if (Timeout == System.Threading.Timeout.InfiniteTimeSpan) return TimeSpan.MaxValue;
            var left = Timeout - Stopwatch.GetElapsedTime(StartedAt);
            return left > TimeSpan.Zero ? left : null;
        }
    }
}
