using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Placement;

namespace OrleansSweeps.Silo.Sites;

/// <summary>
/// Drains this silo's runs when it stops, first of all its stopping (while every grain, store and the cluster still
/// answer): its slots close (no run starts here any more), every training thread is told to drain (finish its step,
/// checkpoint, stop) and the stop waits for their ends, for at most the grace period (Orleans'
/// <see cref="GrainCollectionOptions.DeactivationTimeout"/>). The runs still going then are abandoned: they stop without a
/// final checkpoint and resume from their previous one; what their threads do after is not reported. Orleans then
/// deactivates the grains, which find their threads already ended. (Draining in each grain's own deactivation instead
/// raced Orleans' teardown: a thread could outlive its activation and fail on it, or never be told to drain.)
/// </summary>
public sealed class SiloDrain(SlotPool slots, IOptions<GrainCollectionOptions> collection) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<RunId, (CancellationTokenSource Drain, Task Ended)> _training = [];
    private readonly HashSet<RunId> _abandoned = [];
    private bool _draining;

    /// <summary>The grace period: how long a stop waits for the runs to drain.</summary>
    public TimeSpan GracePeriod => collection.Value.DeactivationTimeout;

    /// <summary>Runs still training when the grace period ran out: they stopped without a final checkpoint.</summary>
    public IReadOnlyList<RunId> Abandoned
    {
        get
        {
            lock (_gate) return [.. _abandoned];
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        // Above Active: stopped before Orleans' own stages, so the runs drain while the silo is whole.
        lifecycle.Subscribe(nameof(SiloDrain), ServiceLifecycleStage.Active + 1, _ => Task.CompletedTask, DrainAsync);

    /// <summary>
    /// A run's thread started (<paramref name="drain"/> tells it to checkpoint and stop; <paramref name="ended"/> completes
    /// when its end is handled). Told once the silo drains, it drains at once.
    /// </summary>
    public void Track(RunId run, CancellationTokenSource drain, Task ended)
    {
        bool draining;
        lock (_gate)
        {
            _training[run] = (drain, ended);
            draining = _draining;
        }
        ended.ContinueWith(_ => Forget(run, ended), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (draining) Cancel(drain);
    }

    /// <summary>Whether the silo's drain gave up on the run (or its grain's deactivation did): what it does now is not reported.</summary>
    public bool WasAbandoned(RunId run)
    {
        lock (_gate) return _abandoned.Contains(run);
    }

    /// <summary>A deactivation stopped waiting for the run's thread: it stops without a final checkpoint.</summary>
    public void Abandon(RunId run)
    {
        lock (_gate) _abandoned.Add(run);
    }

    /// <summary>Closes the slots, drains every run and waits for their ends until the grace period (or the host's stop) runs out.</summary>
    public async Task DrainAsync(CancellationToken cancel)
    {
        (CancellationTokenSource Drain, Task Ended)[] training;
        lock (_gate)
        {
            _draining = true;
            training = [.. _training.Values];
        }
        slots.Close();
        foreach (var (drain, _) in training) Cancel(drain);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(Bounded(GracePeriod));
        // Track drains a run that started meanwhile at once: wait until none is left, or the deadline.
        while (Pending() is { Length: > 0 } pending && !deadline.IsCancellationRequested)
            await Task.WhenAll(pending).WaitAsync(deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_gate)
            foreach (var (run, (_, ended)) in _training)
                if (!ended.IsCompleted) _abandoned.Add(run);
    }

    private Task[] Pending()
    {
        lock (_gate) return [.. _training.Values.Select(t => t.Ended).Where(t => !t.IsCompleted)];
    }

    private void Forget(RunId run, Task ended)
    {
        lock (_gate)
            if (_training.TryGetValue(run, out var tracked) && tracked.Ended == ended) _training.Remove(run);
    }

    /// <summary>A thread whose activation ended disposed its source: it has nothing left to drain.</summary>
    private static void Cancel(CancellationTokenSource drain)
    {
        try
        {
            drain.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static TimeSpan Bounded(TimeSpan grace) => grace > TimeSpan.FromDays(1) || grace < TimeSpan.Zero ? TimeSpan.FromDays(1) : grace;
}
