using System.Collections.Concurrent;

namespace OrleansSweeps.Silo.Hosting;

/// <summary>
/// One slot's run conclusions (<c>RunConclusion</c>: last reports, stats, curves, completion), run in order on a
/// thread of their own so the slot trains its next run meanwhile. One waits at most besides the one running: a
/// slot whose runs conclude slower than they train waits for its conclusions rather than piling them up.
/// Work added must not throw.
/// </summary>
internal sealed class ConclusionQueue
{
    private readonly BlockingCollection<Action> _pending = new(boundedCapacity: 1);
    private readonly Thread _thread;

    public ConclusionQueue(string name)
    {
        _thread = new Thread(() =>
        {
            foreach (var conclude in _pending.GetConsumingEnumerable()) conclude();
        }) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Queues a conclusion; blocks while one is already waiting.</summary>
    public void Add(Action conclude) => _pending.Add(conclude);

    /// <summary>Runs what was added, then ends the thread.</summary>
    public void Finish()
    {
        _pending.CompleteAdding();
        _thread.Join();
        _pending.Dispose();
    }
}
