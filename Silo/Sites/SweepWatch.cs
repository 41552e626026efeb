using System.Collections.Concurrent;
using OrleansSweeps.Contracts.Grains;

namespace OrleansSweeps.Silo.Sites;

/// <summary>The phases of the sweeps whose grains live on this silo, for a console hosting it (embedded) to wait on.</summary>
public sealed class SweepWatch
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<SweepView>> _waiting = new();

    /// <summary>Completes when the sweep's grain on this silo leaves <see cref="SweepPhase.Running"/> (finished, cancelled or failed).</summary>
    public Task<SweepView> StoppedAsync(string sweep, CancellationToken cancel) =>
        _waiting.GetOrAdd(sweep, _ => new TaskCompletionSource<SweepView>(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(cancel);

    internal void Changed(string sweep, SweepView view)
    {
        if (view.Phase is SweepPhase.Running) return;
        _waiting.GetOrAdd(sweep, _ => new TaskCompletionSource<SweepView>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(view);
    }

    /// <summary>Forgets a stopped sweep, so driving it again can be waited on anew.</summary>
    public void Reset(string sweep) => _waiting.TryRemove(sweep, out _);
}
