using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using OrleansSweeps.Client.Reports.Plotting;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary><c>sweeps report</c> end to end on a real sweep: the figures present, their numbers against independent computations, errors.</summary>
[Collection(ReportedSweepCollection.Name)]
public sealed partial class ReportCommandTests(ReportedSweep sweep)
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Report_holds_every_figure_the_sweep_recorded_as_parseable_self_contained_svg()
    {
        Assert.True(sweep.Run.ExitCode == 0, sweep.Run.Stderr);
        Assert.True(sweep.Report.ExitCode == 0, sweep.Report.Stderr);
        Assert.Equal($"report: {sweep.Page} (7 figures, 2 tables)", sweep.Report.Stdout.Trim());
        Assert.Equal("", sweep.Report.Stderr); // Skia says nothing either (it warns of every dash pattern it is given)
        var html = File.ReadAllText(sweep.Page);
        var figures = SvgElements(html).ToDictionary(s => (string)s.Attribute("id")!);
        string[] expected = ["fig-osgr", "fig-gsnr", "fig-mgs-trace", "fig-mgs-logdet", "fig-overfit", "fig-learned", "fig-attribution"];
        Assert.Equal(expected, figures.Keys);
        foreach (var (id, svg) in figures)
        {
            var title = svg.Element(Svg + "title")?.Value;
            Assert.False(string.IsNullOrWhiteSpace(title), $"{id}: title");
            var texts = FigureReader.Texts(svg);
            Assert.Contains(title, texts); // printed above the plot, not only in the document's title
            Assert.Contains(texts, t => t.StartsWith(id.StartsWith("fig-osgr", StringComparison.Ordinal) ? "R_rhs" : "step (parameter updates)", StringComparison.Ordinal));
            Assert.True(texts.Count(t => Regex.IsMatch(t, @"^[−-]?[0-9.]+$|^10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$")) >= 4, $"{id}: ticks");
            // The standalone copy is the same figure, byte for byte.
            Assert.Contains(File.ReadAllText(Path.Combine(sweep.Out, "figures", id["fig-".Length..] + ".svg")), html, StringComparison.Ordinal);
        }
        // Self-contained: nothing is fetched (no scripts, stylesheets, images or fonts; the only URL is the SVG namespace).
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain(" src=", html);
        Assert.DoesNotContain(Regex.Matches(html, "https?://"), m => !html[m.Index..].StartsWith("http://www.w3.org/2000/svg", StringComparison.Ordinal));
        Assert.DoesNotContain("@font-face", html);
        Assert.DoesNotContain("class=\"banner\"", html); // complete
        Assert.Contains("Not drawn: step 40, where no point has both sides", html);  // no update after the last step, so no lhs
        Assert.True(File.Exists(Path.Combine(sweep.Out, "tables", "results.csv")));
    }

    [Fact]
    public void Gsnr_figure_compares_real_and_random_labels_one_curve_per_point()
    {
        var gsnr = SvgElements(File.ReadAllText(sweep.Page)).Single(s => (string?)s.Attribute("id") == "fig-gsnr");
        Assert.Equal("Mean GSNR during training: real vs random labels", gsnr.Element(Svg + "title")!.Value);
        string[] labels = ["real labels", "label noise 0.5", "random labels"];
        Assert.Equal(labels, FigureReader.Texts(gsnr).Where(labels.Contains));
        // Point i in palette colour i, one marker per recorded step in the plot area.
        for (var i = 0; i < labels.Length; i++) Assert.Equal(ReportedSweep.RecordedSteps.Length, FigureReader.Circles(gsnr, Palette.Of(i)).Count);
    }

    [Fact]
    public void Osgr_fits_are_those_of_results_correlations()
    {
        var correlations = Cli.Run(sweep.Directory, "results", "s", "--home", sweep.Home, "--correlations", "--format", "csv");
        Assert.True(correlations.ExitCode == 0, correlations.Stderr);
        var legend = FigureReader.Texts(FigureReader.Figure(File.ReadAllText(sweep.Page), "fig-osgr"));
        var rows = correlations.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(4, rows.Count(r => r[1] == "3"));
        foreach (var r in rows.Where(r => r[1] == "3"))
        {
            // The legend row of each step prints its Pearson c and least-squares line to 3 decimals.
            var (pearson, slope, intercept) = (Fixed3(r[2]), Fixed3(r[3]), double.Parse(r[4], CultureInfo.InvariantCulture));
            Assert.Contains($"step {r[0]}: c = {pearson}, y = {slope}x {(intercept < 0 ? "−" : "+")} {Fixed3(Math.Abs(intercept).ToString("R", CultureInfo.InvariantCulture))}", legend);
        }
        Assert.DoesNotContain(legend, t => t.StartsWith("step 40", StringComparison.Ordinal)); // no marker there, so no row
    }

    [Fact]
    public void The_correlations_table_says_which_side_is_regressed_on_which()
    {
        var table = Cli.Run(sweep.Directory, "results", "s", "--home", sweep.Home, "--correlations");

        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("least squares of lhs on rhs, lhs ≈ slope · rhs + intercept", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("OSGR lhs (eq. 23) against rhs (eq. 19)", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("least squares of R_lhs on R_rhs (R_lhs ≈ slope · R_rhs + intercept)", File.ReadAllText(sweep.Page), StringComparison.Ordinal);
    }

    [Fact]
    public void Accuracy_table_is_the_mean_and_sd_over_replicates_of_the_curves()
    {
        var html = File.ReadAllText(sweep.Page);
        var csv = File.ReadAllLines(Path.Combine(sweep.Out, "tables", "accuracy.csv"));
        Assert.Equal("point,dataset.label_noise.fraction,runs,final_test_acc_mean,final_test_acc_sd,max_test_acc_mean,max_test_acc_sd,max_step", csv[0]);
        for (var p = 0; p < ReportedSweep.Noise.Length; p++)
        {
            var curves = Enumerable.Range(0, ReportedSweep.Replicates)
                .Select(r => CurveRow.ParseCsv(File.ReadAllText(sweep.CurvesPath(p, r)), sweep.CurvesPath(p, r))).ToArray();
            // Final: each run's mean of its last 5 recorded test accuracies; mean and sample sd (M − 1) over runs.
            var finals = curves.Select(c => c.TakeLast(5).Average(row => row.TestAccuracy)).ToArray();
            var (finalMean, finalSd) = MeanSd(finals);
            // Max: the maximum over steps of the replicate-averaged curve, with the sd over runs at that step.
            var best = ReportedSweep.RecordedSteps.Select(step => (Step: step, Values: curves.Select(c => c.Single(row => row.Step == step).TestAccuracy).ToArray()))
                .MaxBy(s => s.Values.Average());
            var (maxMean, maxSd) = MeanSd(best.Values);

            var cells = csv[p + 1].Split(',');
            Assert.Equal([$"p{p:D4}", ReportedSweep.Noise[p], "3"], cells[..3]);
            AssertClose(finalMean, cells[3], "final mean");
            AssertClose(finalSd, cells[4], "final sd");
            AssertClose(maxMean, cells[5], "max mean");
            AssertClose(maxSd, cells[6], "max sd");
            Assert.Equal(best.Step.ToString(CultureInfo.InvariantCulture), cells[7]);
            Assert.Contains($"<tr><td>p{p:D4}</td><td>{ReportedSweep.Noise[p]}</td><td>3/3</td><td>{Percent(finalMean)} ± {Percent(finalSd)}</td>"
                + $"<td>{Percent(maxMean)} ± {Percent(maxSd)}</td><td>{best.Step}</td></tr>", html);
        }
    }

    [Fact]
    public void The_console_summary_shows_the_reports_final_test_accuracy_under_the_same_name()
    {
        Assert.True(sweep.Run.ExitCode == 0, sweep.Run.Stderr);
        var html = File.ReadAllText(sweep.Page);
        Assert.Contains("<th>final test acc (%)</th>", html);
        Assert.Contains("final test acc", sweep.Run.Stdout);
        for (var p = 0; p < ReportedSweep.Noise.Length; p++)
        {
            var curves = Enumerable.Range(0, ReportedSweep.Replicates)
                .Select(r => CurveRow.ParseCsv(File.ReadAllText(sweep.CurvesPath(p, r)), sweep.CurvesPath(p, r))).ToArray();
            var finalMean = curves.Average(c => c.TakeLast(5).Average(row => row.TestAccuracy));
            // The final recorded value differs from the mean of the last five here: the curves still move.
            Assert.NotEqual(Percent(finalMean), Percent(curves.Average(c => c[^1].TestAccuracy)));

            var row = sweep.Run.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith($"p{p:D4} ", StringComparison.Ordinal));
            Assert.Contains($"{Percent(finalMean)}", html);
            Assert.Contains($" {Percent(finalMean)} ", row.Replace("%", " ", StringComparison.Ordinal) + " ");
        }
    }

    [Fact]
    public void Errors_are_one_line_naming_what_and_where()
    {
        var unknown = Cli.Run(sweep.Directory, "report", "nope", "--home", sweep.Home, "--out", Path.Combine(sweep.Directory, "x"));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal($"error: unknown sweep 'nope' in home '{sweep.Home}'", unknown.Stderr.Trim());

        var nowhere = Path.Combine(sweep.Directory, "no-home");
        var noLedger = Cli.Run(sweep.Directory, "report", "s", "--home", nowhere, "--out", Path.Combine(sweep.Directory, "y"));
        Assert.Equal(1, noLedger.ExitCode);
        Assert.Single(noLedger.Stderr.Trim().Split('\n'));
        Assert.Contains($"'{nowhere}': no ledger", noLedger.Stderr);
        Assert.False(Directory.Exists(nowhere));

        // A path below a regular file cannot be created, even by root.
        var blocker = Path.Combine(sweep.Directory, "a-file");
        File.WriteAllText(blocker, "");
        var unwritable = Cli.Run(sweep.Directory, "report", "s", "--home", sweep.Home, "--out", Path.Combine(blocker, "report"));
        Assert.Equal(1, unwritable.ExitCode);
        Assert.Single(unwritable.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"error: cannot write the report to '{Path.Combine(blocker, "report")}'", unwritable.Stderr);

        var missingOut = Cli.Run(sweep.Directory, "report", "s", "--home", sweep.Home);
        Assert.NotEqual(0, missingOut.ExitCode);
        Assert.Contains("--out", missingOut.Stderr);
    }

    /// <summary>Every inline &lt;svg&gt; of the page, parsed as XML (so each is well-formed).</summary>
    internal static IEnumerable<XElement> SvgElements(string html) =>
        SvgPattern().Matches(html).Select(m => XElement.Parse(m.Value));

    [GeneratedRegex("<svg .*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgPattern();

    private static (double Mean, double Sd) MeanSd(double[] values)
    {
        var mean = values.Sum() / values.Length;
        return (mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)));
    }

    private static string Fixed3(string number) => double.Parse(number, CultureInfo.InvariantCulture).ToString("0.000", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture);

    private static void AssertClose(double expected, string actual, string what) =>
        Assert.True(Math.Abs(expected - double.Parse(actual, CultureInfo.InvariantCulture)) <= 1e-12, $"{what}: expected {expected:R}, got {actual}");
}
