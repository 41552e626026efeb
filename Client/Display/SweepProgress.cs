using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Hosting;
using Spectre.Console;

namespace OrleansSweeps.Client.Display;

/// <summary>
/// Live progress of a sweep: a Spectre progress bar over all training steps (with rate and ETA) on an
/// interactive terminal; otherwise one line per finished run on stderr, so logs stay readable.
/// </summary>
internal static class SweepProgress
{
    public static T Show<T>(SweepSpec sweep, string sweepId, Func<ISweepObserver, T> body)
    {
        var totalSteps = sweep.Points.Sum(p => (double)p.Spec.Replicates * p.Spec.Training.Steps);
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected)
            return body(new LineObserver(sweep.RunCount));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask($"sweep {sweepId}", maxValue: totalSteps);
                result = body(new BarObserver(task, sweep.RunCount));
            });
        return result;
    }

    private static string Describe(RunOutcome outcome) =>
        outcome.Failure is { } failure ? $"failed: {failure}" : outcome.WasAlreadyDone ? "already done" : "done";

    private sealed class LineObserver(int runs) : ISweepObserver
    {
        private int _finished;

        public void RunStarted(RunId id, int totalSteps) { }

        public void StepDone(RunId id, int step) { }

        public void RunFinished(RunId id, RunOutcome outcome) =>
            Console.Error.WriteLine($"[{++_finished}/{runs}] {id} {Describe(outcome)}");
    }

    private sealed class BarObserver(ProgressTask task, int runs) : ISweepObserver
    {
        private int _finished;
        private int _lastStep;

        public void RunStarted(RunId id, int totalSteps)
        {
            _lastStep = 0;
            task.Description = $"{id} ({_finished}/{runs} runs)";
        }

        public void StepDone(RunId id, int step)
        {
            task.Increment(step - _lastStep);
            _lastStep = step;
        }

        public void RunFinished(RunId id, RunOutcome outcome)
        {
            _finished++;
            if (outcome.Failure is not null) AnsiConsole.MarkupLineInterpolated($"[red]{id} {Describe(outcome)}[/]");
        }
    }
}
