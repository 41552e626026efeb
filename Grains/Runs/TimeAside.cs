using System.Diagnostics;

namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// Wall time a run's grain spends in its own callbacks while the engine trains (checkpoints, reports, moment
/// vectors, progress), so that the engine's share can be told apart from the orchestration's (<see cref="RunActivation.EngineTime"/>).
/// Used from the run's one slot thread.
/// </summary>
internal sealed class TimeAside
{
    private long _ticks;

    public TimeSpan Total => Stopwatch.GetElapsedTime(0, _ticks);

    /// <summary>Pair with <see cref="Stop"/> (no allocation: progress is called after every update).</summary>
    public static long Start() => Stopwatch.GetTimestamp();

    public void Stop(long started) => _ticks += Stopwatch.GetTimestamp() - started;
}
