namespace OrleansSweeps.Silo.Hosting;

/// <summary>
/// A silo's liveness and readiness, as its health endpoints report them. Live: its work loop ticked within
/// <see cref="LivenessWindow"/> (it is not stuck). Ready: the ledger answered within <see cref="ReadinessWindow"/>
/// and the silo is not draining (it can take work), and the runtime's own check (<see cref="AlsoReadyWhen"/>) passes. Thread-safe; the silo updates it, probes read it.
/// </summary>
public sealed class SiloHealth(TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private long _tickedAt = (clock ?? TimeProvider.System).GetUtcNow().UtcTicks;
    private long _ledgerAt = long.MinValue;
    private volatile bool _draining;
    private volatile Func<string?>? _runtime;

    public TimeSpan LivenessWindow { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan ReadinessWindow { get; set; } = TimeSpan.FromSeconds(30);

    public bool Draining => _draining;

    /// <summary>The silo's loop went round.</summary>
    public void Ticked() => Interlocked.Exchange(ref _tickedAt, _clock.GetUtcNow().UtcTicks);

    /// <summary>The ledger answered (the silo opened it, or a call succeeded).</summary>
    public void LedgerAnswered() => Interlocked.Exchange(ref _ledgerAt, _clock.GetUtcNow().UtcTicks);

    /// <summary>Readiness also asks <paramref name="notReady"/> (the actor runtime's own health: null when ready).</summary>
    public void AlsoReadyWhen(Func<string?> notReady) => _runtime = notReady;

    /// <summary>The silo stopped taking work (Ctrl-C, SIGTERM, a failure); it never becomes ready again.</summary>
    public void StartedDraining() => _draining = true;

    private TimeSpan Since(long utcTicks) => TimeSpan.FromTicks(_clock.GetUtcNow().UtcTicks - utcTicks);

    /// <summary>Null when live, else why not.</summary>
    public string? NotLive()
    {
        var silent = Since(Interlocked.Read(ref _tickedAt));
        return silent <= LivenessWindow ? null : $"silo loop silent for {silent.TotalSeconds:F0} s";
    }

    /// <summary>Null when ready, else why not.</summary>
    public string? NotReady()
    {
        if (_draining) return "draining";
        if (_runtime?.Invoke() is { } runtime) return runtime;
        var at = Interlocked.Read(ref _ledgerAt);
        if (at == long.MinValue) return "ledger not reached yet";
        var silent = Since(at);
        return silent <= ReadinessWindow ? null : $"ledger silent for {silent.TotalSeconds:F0} s";
    }
}
