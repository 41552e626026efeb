using OrleansSweeps.Client.Display;

namespace OrleansSweeps.Tests.Client;

/// <summary>The terminal's progress line: what an 80-column (or narrower) terminal shows of a sweep's progress.</summary>
public sealed class ProgressLineTests
{
    private static readonly ProgressSnapshot Halfway = new(RunsEnded: 64, Runs: 120, StepsDone: 18_000, TotalSteps: 36_000, StepsPerSecond: 7010);

    [Theory]
    [InlineData(79)]
    [InlineData(60)]
    [InlineData(40)]
    [InlineData(24)]
    public void The_line_fits_its_width_and_keeps_runs_and_one_eta(int width)
    {
        var line = ProgressLine.Of(Halfway, width).Plain.TrimEnd();

        Assert.True(line.Length <= width, $"{line.Length} > {width}: '{line}'");
        Assert.Contains("64/120 runs", line, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(line, "ETA"));
        Assert.Contains("ETA 0:00:02", line, StringComparison.Ordinal);
        Assert.DoesNotContain("…", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_80_column_line_has_the_rate_and_percentage()
    {
        var line = ProgressLine.Of(Halfway, 79).Plain;

        Assert.Contains("7010 steps/s", line, StringComparison.Ordinal);
        Assert.Contains(" 50% ", line, StringComparison.Ordinal);
        Assert.True(line.TrimEnd().Length <= 79, line);
    }

    [Fact]
    public void The_eta_counts_hours_past_a_day_and_is_a_dash_before_any_step_was_timed()
    {
        Assert.Equal("50:00:00", ProgressLine.Eta(TimeSpan.FromHours(50)));
        Assert.Equal("—", ProgressLine.Eta((Halfway with { StepsPerSecond = 0 }).Left));
    }

    [Fact]
    public void A_logged_line_counts_the_run()
    {
        var line = ProgressLine.Logged(new("s", 1, 2), new(null, null, false), Halfway);

        Assert.Equal("[64/120] s/p0001/r002 done; 7010 steps/s, ETA 0:00:02", line);
    }
}
