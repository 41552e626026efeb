using OrleansSweeps.Client.Reports;
using OrleansSweeps.Client.Reports.Sections;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>The HTML page from data alone (no sweep run): the pending banner, why-omitted notes, escaping.</summary>
public sealed class ReportPageTests
{
    [Fact]
    public void Banner_counts_pending_runs_and_aggregates_and_is_absent_when_complete()
    {
        Assert.Null(ReportPage.Banner(new SweepProgress(6, 6, 0, 0, 12, false), 0, 12));
        Assert.Equal("Sweep not complete: 4 of 6 runs pending, 9 of 12 aggregates pending. The figures show what exists so far.",
            ReportPage.Banner(new SweepProgress(6, 2, 0, 1, 3, false), 9, 12));
        Assert.Equal("Sweep cancelled, not complete: 3 of 6 runs pending, 5 of 12 aggregates pending; 1 run failed (left out). The figures show what exists so far.",
            ReportPage.Banner(new SweepProgress(6, 2, 1, 0, 7, true), 5, 12));
        Assert.Equal("Sweep not complete: 1 of 1 run pending, 1 of 1 aggregate pending. The figures show what exists so far.",
            ReportPage.Banner(new SweepProgress(1, 0, 0, 1, 0, false), 1, 1));
    }

    [Fact]
    public void A_sweep_with_nothing_recorded_yet_gets_a_page_of_notes_and_escaped_names()
    {
        const string hostile = "<script>alert(1)</script>";
        var spec = SpecBuilder.Parse(SpecBuilder.ToyYaml);
        var data = new ReportData(hostile, spec, new SweepProgress(2, 0, 0, 0, 0, false), ResultsTable.Build(hostile, spec, _ => null),
            spec.Points.Select(p => new PointRuns(p, [])).ToArray());
        var sections = ReportWriter.Sections(data);
        var html = ReportPage.Render(data, sections, ReportWriter.Figures(sections));

        Assert.DoesNotContain("<script", html);
        Assert.Contains("Sweep <code>&lt;script&gt;alert(1)&lt;/script&gt;</code>", html);
        // toy: 1 point, 20 steps recorded every 5 → 5 aggregates, none computed; 2 runs, none ended.
        Assert.Contains("<div class=\"banner\">Sweep not complete: 2 of 2 runs pending, 5 of 5 aggregates pending.", html);
        Assert.Empty(sections.SelectMany(s => s.Figures));
        Assert.DoesNotContain("<nav>", html); // every section is a note, so none is listed in the contents
        var notes = sections.SelectMany(s => s.Notes).ToArray();
        Assert.Contains(notes, n => n.StartsWith("OSGR scatter omitted: no recorded step has both sides", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("Mean-GSNR curves omitted", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("MGS trace curves omitted", StringComparison.Ordinal));
        Assert.Contains("Accuracy table omitted: no run has completed yet.", notes);
        Assert.Contains(notes, n => n.StartsWith("Overfit curves omitted", StringComparison.Ordinal));
        Assert.All(notes, n => Assert.DoesNotContain('\n', n));
        foreach (var note in notes) Assert.Contains($"<p class=\"note\">{Markup.Escape(note)}</p>", html);
    }

    [Fact]
    public void The_empty_penalty_map_is_labelled_none()
    {
        var spec = SpecBuilder.Parse(ReportedSweep.Spec.Replace("dataset.label_noise.fraction: [0, 0.5, 1]", "training.penalties: [{}, {mgs_trace: 0.01}]"));

        Assert.Equal(["training.penalties=none", "training.penalties={mgs_trace: 0.01}"], spec.Points.Select(PointLabels.Of));
        Assert.Equal("none", PointLabels.Value(PointLabels.PenaltiesAxis, "{ }"));
        Assert.Equal("{}", PointLabels.Value("training.schedule", "{}")); // only an empty penalty map means "nothing added"
    }

    [Fact]
    public void Accuracy_cells_are_percent_with_two_decimals_in_the_invariant_culture()
    {
        Assert.Equal("87.31 ± 1.20", AccuracySection.Percent(0.87314, 0.012));
        Assert.Equal("50.00", AccuracySection.Percent(0.5, double.NaN)); // one replicate: no sd
    }
}
