using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;

namespace OrleansSweeps.Client.Display;

/// <summary>How far a sweep is, as one consistent reading: runs ended, training steps done, rate and time left.</summary>
internal sealed record ProgressSnapshot(int RunsEnded, int Runs, double StepsDone, double TotalSteps, double StepsPerSecond)
{
    /// <summary>The time left at the current rate; null before any step of this session was timed.</summary>
    public TimeSpan? Left => StepsPerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, TotalSteps - StepsDone) / StepsPerSecond) : null;

    public double Fraction => TotalSteps > 0 ? Math.Clamp(StepsDone / TotalSteps, 0, 1) : 0;
}

/// <summary>
/// Counts a sweep's runs and steps as slot threads report them (concurrently). Each ended run gets its own count,
/// taken and handed to <see cref="Finished"/> under one lock: a count read outside it could be another run's
/// (two lines with the same count, one count missing).
/// </summary>
internal sealed class SweepProgressTracker : ISweepObserver
{
    private readonly ConcurrentDictionary<RunId, int> _lastStep = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly int _runs;
    private readonly double _totalSteps;
    private long _stepsThisSession;
    private int _runsEnded;
    private double _stepsDone;

    public SweepProgressTracker(SweepSpec sweep, SweepProgress before)
    {
        _runs = sweep.RunCount;
        _totalSteps = sweep.Points.Sum(p => (double)p.Spec.Replicates * p.Spec.Training.Steps);
        _runsEnded = before.RunsEnded;
        // Runs ended before this session count in full (their steps: the sweep's mean per run).
        _stepsDone = _runs == 0 ? 0 : _totalSteps * before.RunsEnded / _runs;
    }

    /// <summary>Called under the tracker's lock for each ended run, with the reading that counts it.</summary>
    public Action<RunId, RunOutcome, ProgressSnapshot>? Finished { get; set; }

    public ProgressSnapshot Snapshot()
    {
        lock (_gate) return SnapshotHeld();
    }

    public void RunStarted(RunId id, int totalSteps, int fromStep) => Advance(id, fromStep, countRate: false);

    public void StepDone(RunId id, int step) => Advance(id, step, countRate: true);

    public void RunFinished(RunId id, RunOutcome outcome)
    {
        _lastStep.TryRemove(id, out _);
        lock (_gate)
        {
            _runsEnded++;
            Finished?.Invoke(id, outcome, SnapshotHeld());
        }
    }

    private ProgressSnapshot SnapshotHeld()
    {
        // Steps per second of this session: runs resumed from a checkpoint or ended before it did not train now.
        var rate = Interlocked.Read(ref _stepsThisSession) / Math.Max(1e-3, _clock.Elapsed.TotalSeconds);
        return new ProgressSnapshot(_runsEnded, _runs, _stepsDone, _totalSteps, rate);
    }

    private void Advance(RunId id, int step, bool countRate)
    {
        var previous = _lastStep.TryGetValue(id, out var p) ? p : 0;
        _lastStep[id] = step;
        var delta = step - previous;
        if (delta <= 0) return;
        if (countRate) Interlocked.Add(ref _stepsThisSession, delta);
        lock (_gate) _stepsDone += delta;
    }
}
