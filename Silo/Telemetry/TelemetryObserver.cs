using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Hosting;

namespace OrleansSweeps.Silo.Telemetry;

/// <summary>
/// Records a silo's run events in <see cref="SweepsTelemetry"/>: <c>sweeps.runs.active</c> while a run trains,
/// <c>sweeps.runs.ended</c> by outcome, <c>sweeps.training.steps</c> (the updates done, counted from the step the
/// activation resumed at) and <c>sweeps.training.step.duration</c> (time between a run's consecutive updates), and
/// tags the run's activation span (the slot thread's current activity) with its outcome. Events of one run come
/// from one slot thread; different runs' concurrently.
/// </summary>
public sealed class TelemetryObserver(string silo, Func<RunId, string> deviceOf) : ISweepObserver
{
    private readonly ConcurrentDictionary<RunId, RunState> _runs = new();

    /// <summary>Runs started and not yet ended (<see cref="RunFinished"/> or <see cref="RunStopped"/>).</summary>
    public int Active => _runs.Count;

    public void RunStarted(RunId id, int totalSteps, int fromStep)
    {
        var device = deviceOf(id);
        var state = new RunState(fromStep, device, new TagList
        {
            { SweepsTelemetry.SweepTag, id.Sweep }, { SweepsTelemetry.SiloTag, silo }, { SweepsTelemetry.DeviceTag, device },
        });
        if (!_runs.TryAdd(id, state)) return;
        SweepsTelemetry.RunsActive.Add(1, new TagList { { SweepsTelemetry.SiloTag, silo }, { SweepsTelemetry.DeviceTag, device } });
    }

    public void StepDone(RunId id, int step)
    {
        if (!_runs.TryGetValue(id, out var state)) return;
        var now = Stopwatch.GetTimestamp();
        if (step > state.LastStep)
        {
            SweepsTelemetry.TrainingSteps.Add(step - state.LastStep, state.Tags);
            // The first update of an activation also loads data and the checkpoint: only later intervals are timed.
            if (state.LastAt != 0) SweepsTelemetry.StepDuration.Record(Stopwatch.GetElapsedTime(state.LastAt, now).TotalSeconds / (step - state.LastStep), state.Tags);
            state.LastStep = step;
        }
        state.LastAt = now;
    }

    public void RunFinished(RunId id, RunOutcome outcome) =>
        End(id, outcome.Failure is null ? "completed" : "failed", outcome.Failure);

    /// <summary>The activation ended without an outcome: <c>drained</c>, <c>lost</c> (fenced off by a newer activation) or <c>error</c> (the slot failed). No-op once ended.</summary>
    public void RunStopped(RunId id, string reason) => End(id, reason, null);

    private void End(RunId id, string outcome, string? failure)
    {
        if (!_runs.TryRemove(id, out var state)) return;
        SweepsTelemetry.RunsActive.Add(-1, new TagList { { SweepsTelemetry.SiloTag, silo }, { SweepsTelemetry.DeviceTag, state.Device } });
        SweepsTelemetry.RunsEnded.Add(1, new TagList
        {
            { SweepsTelemetry.OutcomeTag, outcome }, { SweepsTelemetry.SweepTag, id.Sweep }, { SweepsTelemetry.SiloTag, silo },
        });
        if (Activity.Current is { } span && span.OperationName == SweepsTelemetry.RunActivateSpan)
        {
            span.SetTag(SweepsTelemetry.OutcomeTag, outcome);
            if (failure is not null) span.SetStatus(ActivityStatusCode.Error, failure);
        }
    }

    private sealed class RunState(int fromStep, string device, TagList tags)
    {
        public int LastStep { get; set; } = fromStep;

        public long LastAt { get; set; }

        public string Device { get; } = device;

        public TagList Tags { get; } = tags;
    }
}
