using OrleansSweeps.Client.Display;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Silo.Results;
using OrleansSweeps.Tests.TestSupport;
using Spectre.Console;

namespace OrleansSweeps.Tests.Client;

/// <summary>The end-of-sweep table rendered through Spectre at a fixed width: it fits, and no value is split across lines.</summary>
public sealed class SummaryTableTests
{
    // The smoke example's grid and values (toy regression, OSGR both sides), with the widest numbers G5 prints.
    private const string Toy = """
        name: toy
        replicates: 20
        train_size: 100
        dataset: {kind: toy-product, noise: 2.0, test_size: 100}
        model: {kind: mlp}
        training: {optimizer: gd, lr: 0.001, steps: 300}
        record: {every: 50}
        grid:
          train_size: [100, 1000]
          dataset.noise: [0.2, 2, 6]
        """;

    // Classification with long grid paths and values, and failed runs.
    private const string Mnist = """
        name: mnist
        replicates: 10
        train_size: 1000
        dataset: {kind: mnist, test_size: 100, label_noise: {mode: random, fraction: 0}}
        model: {kind: mlp, hidden: [300]}
        training: {optimizer: sgd, lr: 0.1, steps: 300}
        grid:
          dataset.label_noise.fraction: [0, 0.25]
          model.hidden: [[300, 300, 300], [20]]
          training.lr: [0.1, 0.0125]
        """;

    [Fact]
    public void The_smoke_examples_table_fits_80_columns_with_every_column_and_whole_values()
    {
        var sweep = SpecBuilder.Parse(Toy);
        // The values of a real smoke run: the console split "0.86169 (0)" over two lines at 80 columns.
        (double Train, double Test, double Lhs, double Rhs)[] values =
        [
            (0.14677, 0.14772, 0.86169, 0.76198), (1.402, 1.4759, 0.2992, 0.14802), (11.515, 12.202, 0.00011053, 0.061133),
            (0.14553, 0.14695, 1.0332, 0.97252), (1.4694, 1.4671, 0.86321, 0.79914), (12.148, 12.119, 0.22058, 0.39442),
        ];
        var summaries = sweep.Points.Select((p, i) => Summary(p, runs: 20, failed: 0, values[i].Train, values[i].Test,
            accuracy: double.NaN, sd: double.NaN, values[i].Lhs, values[i].Rhs)).ToArray();

        var text = Render(sweep, summaries, 80);

        AssertFitsWithWholeValues(text, sweep, summaries, 80);
        foreach (var header in new[] { "train", "test", "OSGR lhs", "OSGR rhs" }) Assert.Contains(header, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Left out", text, StringComparison.Ordinal);
        Assert.Contains("at step 300, the last recorded", text, StringComparison.Ordinal);
        Assert.Contains("OSGR lhs (eq. 23) and rhs (eq. 19): at step 0,", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_classification_table_too_wide_for_80_columns_leaves_out_the_losses_and_says_so()
    {
        var sweep = SpecBuilder.Parse(Mnist);
        var summaries = sweep.Points.Select((p, i) => Summary(p, runs: 9, failed: 1, train: 1.2345e-05, test: 2.3456789,
            accuracy: 0.9210 - i / 100.0, sd: 0.0123, lhs: double.NaN, rhs: double.NaN)).ToArray();

        var text = Render(sweep, summaries, 80);

        AssertFitsWithWholeValues(text, sweep, summaries, 80, ["train loss", "test loss"]);
        Assert.Contains("final test", text, StringComparison.Ordinal);
        Assert.Contains("92.10 ± 1.23", text, StringComparison.Ordinal);
        Assert.Contains("Left out to fit 80 columns: train loss, test loss", text, StringComparison.Ordinal);
        Assert.DoesNotContain("losses:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("OSGR", text, StringComparison.Ordinal); // an SGD sweep records none
    }

    [Fact]
    public void A_table_that_cannot_fit_is_printed_as_blocks_with_every_value_whole()
    {
        var sweep = SpecBuilder.Parse(Mnist);
        var summaries = sweep.Points.Select(p => Summary(p, runs: 10, failed: 0, train: 0.5, test: 0.6,
            accuracy: 0.9, sd: 0.01, lhs: double.NaN, rhs: double.NaN)).ToArray();

        var text = Render(sweep, summaries, 40);

        Assert.All(text.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 40, $"{line.TrimEnd().Length} > 40: '{line}'"));
        Assert.Contains("p0007  dataset.label_noise.fraction 0.25", text, StringComparison.Ordinal);
        Assert.Contains("model.hidden [300, 300, 300]", text, StringComparison.Ordinal);
        Assert.Contains("final test acc (%) 90.00 ± 1.00", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Piped_output_takes_its_width_from_COLUMNS_else_80()
    {
        var saved = Environment.GetEnvironmentVariable("COLUMNS");
        try
        {
            Environment.SetEnvironmentVariable("COLUMNS", null);
            Assert.Equal(80, SummaryTable.RedirectedWidth());
            Environment.SetEnvironmentVariable("COLUMNS", "132");
            Assert.Equal(132, SummaryTable.RedirectedWidth());
        }
        finally
        {
            Environment.SetEnvironmentVariable("COLUMNS", saved);
        }
    }

    /// <summary>No line is wider than <paramref name="width"/>, and each point's row holds each of its values whole.</summary>
    private static void AssertFitsWithWholeValues(string text, SweepSpec sweep, IReadOnlyList<PointSummary> summaries, int width, string[]? leftOut = null)
    {
        var lines = text.Split('\n');
        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= width, $"{line.TrimEnd().Length} > {width}: '{line}'"));
        var columns = SummaryColumns.Of(sweep, summaries).Where(c => !(leftOut ?? []).Contains(c.Header)).ToArray();
        for (var r = 0; r < summaries.Count; r++)
        {
            var row = lines.Single(l => l.TrimStart().StartsWith(summaries[r].Point.Id + " ", StringComparison.Ordinal));
            foreach (var c in columns) Assert.Contains(c.Cells[r], row, StringComparison.Ordinal);
        }
    }

    private static PointSummary Summary(SweepPoint point, int runs, int failed, double train, double test, double accuracy, double sd, double lhs, double rhs) =>
        new(point, runs, failed, 300, train, test, accuracy, sd, double.IsNaN(lhs) ? -1 : 0, lhs, rhs);

    private static string Render(SweepSpec sweep, IReadOnlyList<PointSummary> summaries, int width)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        SummaryTable.Write(console, sweep, summaries);
        return writer.ToString();
    }
}
