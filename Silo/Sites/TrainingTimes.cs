namespace OrleansSweeps.Silo.Sites;

/// <summary>
/// The engine's training time and the slot-held time of every run activation on this silo, summed since it started:
/// what splits a sweep's wall time into training and orchestration (<c>sweeps bench sweep</c>) without a clock of its
/// own on the critical path. Added to from the grains as each activation gives its slot back; safe from many threads.
/// </summary>
public sealed class TrainingTimes
{
    private long _engineTicks;
    private long _onSlotTicks;
    private int _activations;

    /// <summary>Time the engine trained (<c>RunActivation.EngineTime</c>), all activations together.</summary>
    public TimeSpan Engine => TimeSpan.FromTicks(Interlocked.Read(ref _engineTicks));

    /// <summary>Time runs held a slot, from taking it to giving it back: training and everything the run did on its slot.</summary>
    public TimeSpan OnSlot => TimeSpan.FromTicks(Interlocked.Read(ref _onSlotTicks));

    /// <summary>Activations that gave their slot back.</summary>
    public int Activations => Volatile.Read(ref _activations);

    internal void Add(TimeSpan engine, TimeSpan onSlot)
    {
        Interlocked.Add(ref _engineTicks, engine.Ticks);
        Interlocked.Add(ref _onSlotTicks, onSlot.Ticks);
        Interlocked.Increment(ref _activations);
    }
}
