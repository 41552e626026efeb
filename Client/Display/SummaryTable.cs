using System.Globalization;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Silo.Results;
using Spectre.Console;

namespace OrleansSweeps.Client.Display;

/// <summary>The end-of-sweep table: one row per point, grid parameters first.</summary>
internal static class SummaryTable
{
    private const int RedirectedWidth = 160;

    public static void Write(SweepSpec sweep, IReadOnlyList<PointSummary> summaries)
    {
        // Redirected output (logs, CI) would otherwise wrap at 80 columns.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = RedirectedWidth;
        var classification = summaries.Any(s => !double.IsNaN(s.TestAccuracyMean));
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("point");
        foreach (var axis in sweep.Grid) table.AddColumn(axis.Path);
        var anyFailed = summaries.Any(s => s.Failed > 0);
        table.AddColumn("runs");
        if (anyFailed) table.AddColumn("failed");
        table.AddColumns("step", "train loss", "test loss");
        if (classification)
        {
            table.AddColumn("final test acc (mean ± sd)");
            table.Caption($"final test acc: {FinalTestAccuracy.Definition}");
        }
        var anyRhs = summaries.Any(s => !double.IsNaN(s.OsgrRhs));
        table.AddColumn("OSGR lhs eq.23 (step)");
        if (anyRhs) table.AddColumn("OSGR rhs eq.19");
        foreach (var s in summaries)
        {
            var cells = new List<string> { s.Point.Id };
            cells.AddRange(s.Point.Parameters.Select(p => p.Value));
            cells.Add(s.Runs.ToString(CultureInfo.InvariantCulture));
            if (anyFailed) cells.Add(s.Failed.ToString(CultureInfo.InvariantCulture));
            cells.Add(s.FinalStep < 0 ? "—" : s.FinalStep.ToString(CultureInfo.InvariantCulture));
            cells.Add(Show(s.TrainLossMean));
            cells.Add(Show(s.TestLossMean));
            if (classification) cells.Add(double.IsNaN(s.TestAccuracyMean) ? "—" : $"{s.TestAccuracyMean:P2} ± {s.TestAccuracySd:P2}");
            cells.Add(double.IsNaN(s.OsgrLhs) ? "—" : $"{Show(s.OsgrLhs)} ({s.OsgrStep})");
            if (anyRhs) cells.Add(Show(s.OsgrRhs));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        AnsiConsole.Write(table);
    }

    private static string Show(double v) => double.IsNaN(v) ? "—" : v.ToString("G5", CultureInfo.InvariantCulture);
}
