using System.Globalization;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Grains.Runs;

namespace OrleansSweeps.Client.Display;

/// <summary>
/// The progress of a sweep as text that fits a given width: on a terminal one line (runs done / total, a bar, the
/// percentage, steps per second, one ETA), in a log one line per ended run. Every part is sized here, none left
/// to a table layout: Spectre shrinks a column that does not fit to a bare "…".
/// </summary>
internal sealed record ProgressLine(string Runs, int BarFilled, int BarEmpty, string Tail)
{
    /// <summary>A bar wider than this says nothing more; one narrower than the minimum is left out.</summary>
    public const int MaxBar = 40;

    public const int MinBar = 10;

    public const char Filled = '━';

    public const char Empty = '─';

    /// <summary>The terminal line for <paramref name="width"/> columns: the bar takes what the text leaves; on narrow terminals the bar, then the percentage, then the rate go.</summary>
    public static ProgressLine Of(ProgressSnapshot s, int width)
    {
        // Padded to the widest count, so the bar does not move as runs end.
        var runs = $"{s.RunsEnded}/{s.Runs} runs".PadLeft(2 * Digits(s.Runs) + 6);
        var percent = (s.Fraction * 100).ToString("F0", CultureInfo.InvariantCulture).PadLeft(3) + "%";
        var rate = Rate(s.StepsPerSecond).PadLeft(12);
        var eta = ("ETA " + Eta(s.Left)).PadRight(11);
        string[] tails = [$"{percent}  {rate}  {eta}", $"{rate}  {eta}", eta];
        foreach (var tail in tails)
        {
            var bar = Math.Min(MaxBar, width - runs.Length - tail.Length - 2);
            if (bar >= MinBar) return WithBar(runs, bar, s.Fraction, tail);
            if (runs.Length + 1 + tail.Length <= width) return new ProgressLine(runs, 0, 0, tail);
        }
        return new ProgressLine(runs.TrimStart(), 0, 0, eta);
    }

    public string Plain => BarFilled + BarEmpty == 0
        ? $"{Runs} {Tail}"
        : $"{Runs} {new string(Filled, BarFilled)}{new string(Empty, BarEmpty)} {Tail}";

    /// <summary>A log's line for one ended run: its count, which run, how it ended, the rate and the ETA.</summary>
    public static string Logged(RunId id, RunOutcome outcome, ProgressSnapshot s) =>
        $"[{s.RunsEnded}/{s.Runs}] {id} {Describe(outcome)}; {Rate(s.StepsPerSecond)}, ETA {Eta(s.Left)}";

    public static string Describe(RunOutcome outcome) =>
        outcome.Failure is { } failure ? $"failed: {failure}" : outcome.WasAlreadyDone ? "already done" : "done";

    public static string Rate(double stepsPerSecond) => $"{stepsPerSecond.ToString("F0", CultureInfo.InvariantCulture)} steps/s";

    /// <summary>"0:01:05", "31:00:00": hours are not wrapped into days (a "hh" format would print 3 days as 00).</summary>
    public static string Eta(TimeSpan? left) => left is { } l
        ? $"{(long)l.TotalHours}:{l.Minutes:D2}:{l.Seconds:D2}"
        : "—";

    private static ProgressLine WithBar(string runs, int bar, double fraction, string tail)
    {
        var filled = (int)Math.Round(bar * fraction);
        return new ProgressLine(runs, filled, bar - filled, tail);
    }

    private static int Digits(int n) => n.ToString(CultureInfo.InvariantCulture).Length;
}
