using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Placement;

/// <summary>
/// This silo's training slots (one per GPU, or <c>--slots</c> CPU workers): a run's grain takes one before its thread
/// starts and gives it back when the thread ends, so a silo never trains more runs at once than it has slots, whatever
/// placement decided. Safe from many threads.
/// </summary>
public sealed class SlotPool(int slots)
{
    private readonly Lock _gate = new();
    private readonly HashSet<RunId> _held = [];
    private readonly List<RunId> _abandoned = [];

    public int Slots { get; } = slots >= 1 ? slots : throw new ArgumentOutOfRangeException(nameof(slots), slots, "a silo has at least one slot");

    /// <summary>Runs training on this silo now.</summary>
    public IReadOnlyList<RunId> Held
    {
        get
        {
            lock (_gate) return [.. _held];
        }
    }

    /// <summary>Takes a slot for <paramref name="run"/> (true at once when it holds one); false when all are taken.</summary>
    public bool TryTake(RunId run)
    {
        lock (_gate)
        {
            if (_held.Contains(run)) return true;
            if (_held.Count >= Slots) return false;
            _held.Add(run);
            return true;
        }
    }

    public void Release(RunId run)
    {
        lock (_gate) _held.Remove(run);
    }

    /// <summary>Runs whose drain outlasted the grace period when the silo stopped: they stopped without a final checkpoint.</summary>
    public IReadOnlyList<RunId> Abandoned
    {
        get
        {
            lock (_gate) return [.. _abandoned];
        }
    }

    public void Abandon(RunId run)
    {
        lock (_gate) _abandoned.Add(run);
    }
}
