using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Contracts.Specs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OrleansSweeps.Client.Display;

/// <summary>
/// Live progress of a sweep: runs done / total, training steps per second and the ETA. On an interactive
/// terminal one line redrawn in place (<see cref="ProgressLine"/>); otherwise one line per ended run on stderr,
/// counted 1, 2, … in order, so logs stay readable. Events come from slot threads concurrently.
/// </summary>
internal static class SweepProgressDisplay
{
    public static T Show<T>(SweepSpec sweep, string sweepId, SweepProgress before, Func<ISweepObserver, T> body)
    {
        var tracker = new SweepProgressTracker(sweep, before);
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected)
        {
            tracker.Finished = (id, outcome, snapshot) => Console.Error.WriteLine(ProgressLine.Logged(id, outcome, snapshot));
            return body(tracker);
        }
        T result = default!;
        // One column that lays out the whole line itself: Spectre's own columns beside a description squeezed the
        // description to "…" on 80 columns, and its remaining-time column was a second ETA from another rate.
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new LineColumn(tracker))
            .Start(context =>
            {
                context.AddTask($"sweep {sweepId}", maxValue: 1);
                tracker.Finished = (id, outcome, _) =>
                {
                    if (outcome.Failure is not null) AnsiConsole.MarkupLineInterpolated($"[red]{id} {ProgressLine.Describe(outcome)}[/]");
                };
                result = body(tracker);
            });
        return result;
    }

    /// <summary>Renders the tracker's reading at every refresh as a <see cref="ProgressLine"/> of the console's width.</summary>
    private sealed class LineColumn(SweepProgressTracker tracker) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            // One column short of the width: a line that reaches the last column makes some terminals wrap.
            var line = ProgressLine.Of(tracker.Snapshot(), options.ConsoleSize.Width - 1);
            var bar = line.BarFilled + line.BarEmpty == 0
                ? " "
                : $" [yellow]{new string(ProgressLine.Filled, line.BarFilled)}[/][grey]{new string(ProgressLine.Empty, line.BarEmpty)}[/] ";
            return new Markup($"{Markup.Escape(line.Runs)}{bar}{Markup.Escape(line.Tail)}");
        }
    }
}
