using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Hosting;
using Spectre.Console;

namespace OrleansSweeps.Client.Display;

/// <summary>
/// Live progress of a sweep: runs done / total, training steps per second and the ETA. On an interactive
/// terminal a Spectre progress bar over all training steps; otherwise one line per finished run on stderr,
/// so logs stay readable. Events come from slot threads concurrently.
/// </summary>
internal static class SweepProgressDisplay
{
    public static T Show<T>(SweepSpec sweep, string sweepId, SweepProgress before, Func<ISweepObserver, T> body)
    {
        var tracker = new Tracker(sweep, before);
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected)
        {
            tracker.Finished = (id, outcome) => Console.Error.WriteLine($"[{tracker.RunsEnded}/{tracker.Runs}] {id} {Describe(outcome)}; {tracker.Rate()}");
            return body(tracker);
        }
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask($"sweep {sweepId}", maxValue: tracker.TotalSteps);
                task.Increment(tracker.StepsDone);
                tracker.Stepped = delta =>
                {
                    task.Increment(delta);
                    task.Description = $"sweep {sweepId}: {tracker.RunsEnded}/{tracker.Runs} runs, {tracker.Rate()}";
                };
                tracker.Finished = (id, outcome) =>
                {
                    if (outcome.Failure is not null) AnsiConsole.MarkupLineInterpolated($"[red]{id} {Describe(outcome)}[/]");
                };
                result = body(tracker);
            });
        return result;
    }

    private static string Describe(RunOutcome outcome) =>
        outcome.Failure is { } failure ? $"failed: {failure}" : outcome.WasAlreadyDone ? "already done" : "done";

    private sealed class Tracker : ISweepObserver
    {
        private readonly ConcurrentDictionary<RunId, int> _lastStep = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _gate = new();
        private long _stepsThisSession;
        private int _runsEnded;
        private double _stepsDone;

        public Tracker(SweepSpec sweep, SweepProgress before)
        {
            Runs = sweep.RunCount;
            TotalSteps = sweep.Points.Sum(p => (double)p.Spec.Replicates * p.Spec.Training.Steps);
            _runsEnded = before.RunsEnded;
            // Runs ended before this session count in full (their steps: the sweep's mean per run).
            _stepsDone = Runs == 0 ? 0 : TotalSteps * before.RunsEnded / Runs;
        }

        public int Runs { get; }

        public double TotalSteps { get; }

        public double StepsDone => _stepsDone;

        public int RunsEnded => Volatile.Read(ref _runsEnded);

        public Action<double>? Stepped { get; set; }

        public Action<RunId, RunOutcome>? Finished { get; set; }

        /// <summary>Steps per second of this session and the time left at that rate.</summary>
        public string Rate()
        {
            var rate = Interlocked.Read(ref _stepsThisSession) / Math.Max(1e-3, _clock.Elapsed.TotalSeconds);
            var left = rate > 0 ? TimeSpan.FromSeconds((TotalSteps - _stepsDone) / rate) : (TimeSpan?)null;
            return $"{rate:F0} steps/s, ETA {(left is { } l ? l.ToString(@"hh\:mm\:ss") : "—")}";
        }

        public void RunStarted(RunId id, int totalSteps, int fromStep) => Advance(id, fromStep, countRate: false);

        public void StepDone(RunId id, int step) => Advance(id, step, countRate: true);

        public void RunFinished(RunId id, RunOutcome outcome)
        {
            Interlocked.Increment(ref _runsEnded);
            _lastStep.TryRemove(id, out _);
            lock (_gate) Finished?.Invoke(id, outcome);
        }

        private void Advance(RunId id, int step, bool countRate)
        {
            var previous = _lastStep.TryGetValue(id, out var p) ? p : 0;
            _lastStep[id] = step;
            var delta = step - previous;
            if (delta <= 0) return;
            if (countRate) Interlocked.Add(ref _stepsThisSession, delta);
            lock (_gate)
            {
                _stepsDone += delta;
                Stepped?.Invoke(delta);
            }
        }
    }
}
