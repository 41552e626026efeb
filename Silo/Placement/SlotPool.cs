using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Placement;

/// <summary>
/// This silo's training slots (one per GPU, or <c>--slots</c> CPU workers): a run's thread holds one while it trains and
/// gives it back when its training is over, so a silo never trains more runs at once than it has slots, whatever
/// placement decided. While its runs are short, one more run per slot may wait in line here (<see cref="Admit"/>):
/// a freed slot goes straight to the first in line, so the slot never waits for a grain call, a state write or a thread
/// to start between two runs. Safe from many threads.
/// </summary>
/// <param name="queueBelow">Runs wait in line only while this silo's recent runs held their slot for less than this on average; zero: never.</param>
/// <param name="busyChanged">Told +1 when a slot is taken and -1 when it is given back (the busy-slot gauge); null: nobody.</param>
public sealed class SlotPool(int slots, TimeSpan queueBelow = default, Action<int>? busyChanged = null)
{
    private readonly Lock _gate = new();
    private readonly HashSet<RunId> _held = [];
    private readonly LinkedList<(RunId Run, SemaphoreSlim Granted)> _line = [];
    private bool _closed;
    private readonly RecentRunTimes _recent = new();

    public int Slots { get; } = slots >= 1 ? slots : throw new ArgumentOutOfRangeException(nameof(slots), slots, "a silo has at least one slot");

    /// <summary>Runs training on this silo now.</summary>
    public IReadOnlyList<RunId> Held
    {
        get
        {
            lock (_gate) return [.. _held];
        }
    }

    /// <summary>Whether a run may wait in line now: this silo's recent runs were short (a long run waiting here is one another silo could train).</summary>
    public bool Queues => queueBelow > TimeSpan.Zero && _recent.ShorterThan(queueBelow);

    /// <summary>
    /// Admits <paramref name="run"/> in one step: a free slot (Training; at once when it holds one), else a place in line
    /// when runs may wait here (Queued: then <see cref="Wait"/>), else nothing (NoSlot; also once the silo closed).
    /// </summary>
    public RunAdmission Admit(RunId run)
    {
        var queues = Queues;
        lock (_gate)
        {
            if (_held.Contains(run)) return RunAdmission.Training;
            if (_line.Any(w => w.Run == run)) return RunAdmission.Queued;
            if (_closed) return RunAdmission.NoSlot;
            if (_held.Count >= Slots || _line.Count > 0)
            {
                // One run per slot waits; a newcomer never overtakes the line.
                if (!queues || _line.Count >= Slots) return RunAdmission.NoSlot;
                _line.AddLast((run, new SemaphoreSlim(0, 1)));
                return RunAdmission.Queued;
            }
            _held.Add(run);
        }
        busyChanged?.Invoke(1);
        return RunAdmission.Training;
    }

    /// <summary>On the run's thread: blocks until the run in line holds a slot (true), or <paramref name="cancel"/> took it out of line (false).</summary>
    public bool Wait(RunId run, CancellationToken cancel)
    {
        SemaphoreSlim granted;
        lock (_gate)
        {
            if (_held.Contains(run)) return true;
            granted = _line.First(w => w.Run == run).Granted;
        }
        try
        {
            granted.Wait(cancel);
            return true;
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                // Granted in the meantime: the slot is the run's, and its release gives it on.
                if (_held.Contains(run)) return true;
                Leave(run);
                return false;
            }
        }
    }

    /// <summary>The silo is stopping: no run takes a slot or waits in line from now on (those holding one keep it until they release it).</summary>
    public void Close()
    {
        lock (_gate) _closed = true;
    }

    /// <summary>Tells how long a run held its slot (what <see cref="Queues"/> judges by).</summary>
    public void Timed(TimeSpan held) => _recent.Add(held);

    /// <summary>Gives the run's slot to the first run in line, else back to the pool; a run still in line leaves it.</summary>
    public void Release(RunId run)
    {
        SemaphoreSlim? granted = null;
        lock (_gate)
        {
            if (!_held.Remove(run))
            {
                Leave(run);
                return;
            }
            if (_line.First is { } first)
            {
                _line.RemoveFirst();
                _held.Add(first.Value.Run);
                granted = first.Value.Granted;
            }
        }
        if (granted is not null) granted.Release();
        else busyChanged?.Invoke(-1);
    }

    private void Leave(RunId run)
    {
        for (var node = _line.First; node is not null; node = node.Next)
        {
            if (node.Value.Run != run) continue;
            _line.Remove(node);
            return;
        }
    }
}
