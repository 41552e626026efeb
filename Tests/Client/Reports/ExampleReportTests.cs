using System.Text.RegularExpressions;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>The reports of the papers' smoke examples: what the page names and lists, on real sweeps.</summary>
[Collection(ReportedExamplesCollection.Name)]
public sealed class ExampleReportTests(ReportedExamples examples)
{
    [Fact]
    public void The_no_penalty_baseline_is_labelled_none_in_figures_and_tables()
    {
        var mgs = examples.Mgs;
        Assert.True(mgs.Report.ExitCode == 0, mgs.Report.Stderr);
        var html = File.ReadAllText(mgs.Page);

        Assert.DoesNotContain("penalties={}", html);
        var trace = FigureReader.Figure(html, "fig-mgs-trace");
        Assert.Contains("training.penalties=none", FigureReader.Texts(trace));
        Assert.Contains("training.penalties={mgs_trace: 0.01}", FigureReader.Texts(trace));
        // The accuracy table shows the grid value as the legends do; its CSV keeps the spec's text, as results.csv has it.
        Assert.Contains("<tr><td>p0000</td><td>none</td>", html);
        Assert.StartsWith("p0000,{},", File.ReadAllLines(Path.Combine(mgs.Out, "tables", "accuracy.csv"))[1]);
        // The console's summary says it the same way.
        Assert.Matches(@"(?m)^\s*p0000\s+none\s", mgs.Run.Stdout);
        Assert.DoesNotContain("{}", mgs.Run.Stdout);
        Assert.Matches(@"^report: .* \(\d+ figures, 1 table\)$", mgs.Report.Stdout.Trim());
    }

    [Fact]
    public void Contents_list_only_the_sections_that_show_something()
    {
        Assert.True(examples.Mgs.Report.ExitCode == 0, examples.Mgs.Report.Stderr);
        var html = File.ReadAllText(examples.Mgs.Page);
        var contents = Regex.Match(html, "<nav>.*?</nav>", RegexOptions.Singleline).Value;

        // An SGD sweep without stats.moments has neither OSGR nor GSNR: their notes stay in the page, out of the contents.
        Assert.Contains("<p class=\"note\">OSGR scatter omitted", html);
        Assert.Contains("<p class=\"note\">Mean-GSNR curves omitted", html);
        Assert.DoesNotContain("href=\"#osgr\"", contents);
        Assert.DoesNotContain("href=\"#gsnr\"", contents);
        Assert.Contains("href=\"#mgs\"", contents);
        Assert.Contains("href=\"#accuracy\"", contents);

        // The toy OSGR sweep has both; it is a regression, so no accuracy table.
        var toy = Regex.Match(File.ReadAllText(examples.Toy.Page), "<nav>.*?</nav>", RegexOptions.Singleline).Value;
        Assert.Contains("href=\"#osgr\"", toy);
        Assert.Contains("href=\"#gsnr\"", toy);
        Assert.DoesNotContain("href=\"#accuracy\"", toy);
    }

    [Fact]
    public void The_toy_sweeps_OSGR_is_one_square_figure_naming_every_point_and_step_in_print()
    {
        var toy = examples.Toy;
        Assert.True(toy.Report.ExitCode == 0, toy.Report.Stderr);
        var html = File.ReadAllText(toy.Page);
        var ids = ReportCommandTests.SvgElements(html).Select(s => (string)s.Attribute("id")!).ToArray();
        Assert.Equal(["fig-osgr", "fig-gsnr"], ids);
        Assert.False(Directory.Exists(Path.Combine(toy.Out, "figures", "osgr-step-0.svg")));

        var osgr = FigureReader.Figure(html, "fig-osgr");
        var area = FigureReader.PlotArea(osgr);
        Assert.Equal(area.Width, area.Height, 0.5);
        var texts = FigureReader.Texts(osgr);
        // 2 training sizes × 3 noise levels, named as everywhere in the report; 300 steps recorded every 50, the last without lhs.
        foreach (var size in new[] { 100, 1000 })
        {
            foreach (var noise in new[] { "0.2", "2", "6" }) Assert.Contains($"train_size={size}, dataset.noise={noise}", texts);
        }
        Assert.Equal(["step 0", "step 50", "step 100", "step 150", "step 200", "step 250"],
            texts.Where(t => t.StartsWith("step ", StringComparison.Ordinal)).Select(t => t.Split(':')[0]));
        Assert.Contains("y = x", texts);
        // The markers at step 0 are circles, one per point in its colour.
        for (var p = 0; p < 6; p++) Assert.Single(FigureReader.Circles(osgr, OrleansSweeps.Client.Reports.Plotting.Palette.Of(p)));
    }

    [Fact]
    public void The_same_sweep_gives_a_byte_identical_report()
    {
        foreach (var example in new[] { examples.Toy, examples.Mgs })
        {
            Assert.True(example.Report.ExitCode == 0, example.Report.Stderr);
            Assert.Equal("", example.Report.Stderr);
            var again = Path.Combine(example.Directory, "report-again");
            var report = Cli.Run(example.Directory, "report", example.Name, "--home", example.Home, "--out", again);
            Assert.True(report.ExitCode == 0, report.Stderr);

            var files = Directory.GetFiles(example.Out, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(example.Out, f)).Order().ToArray();
            Assert.Equal(files, Directory.GetFiles(again, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(again, f)).Order());
            Assert.Contains(files, f => f.EndsWith(".svg", StringComparison.Ordinal));
            foreach (var f in files) Assert.True(File.ReadAllBytes(Path.Combine(example.Out, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(again, f))), $"{example.Name}: {f} differs");
            // Nothing in the page tells one rendering from another: no time or random id.
            var html = File.ReadAllText(example.Page);
            Assert.DoesNotMatch(@"\b20\d\d-\d\d-\d\d", html);
            Assert.DoesNotContain("cl_", html);
        }
    }
}
