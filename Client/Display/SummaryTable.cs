using System.Globalization;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Silo.Results;
using Spectre.Console;

namespace OrleansSweeps.Client.Display;

/// <summary>The end-of-sweep table: one row per point, grid parameters first.</summary>
internal static class SummaryTable
{
    public static void Write(SweepSpec sweep, IReadOnlyList<PointSummary> summaries)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("point");
        foreach (var axis in sweep.Grid) table.AddColumn(axis.Path);
        table.AddColumns("runs", "step", "train loss", "test loss", "test acc (mean ± sd)", "OSGR lhs (step)");
        foreach (var s in summaries)
        {
            var cells = new List<string> { s.Point.Id };
            cells.AddRange(s.Point.Parameters.Select(p => p.Value));
            cells.Add(s.Runs.ToString(CultureInfo.InvariantCulture));
            cells.Add(s.FinalStep.ToString(CultureInfo.InvariantCulture));
            cells.Add(Show(s.TrainLossMean));
            cells.Add(Show(s.TestLossMean));
            cells.Add(double.IsNaN(s.TestAccuracyMean) ? "—" : $"{s.TestAccuracyMean:P2} ± {s.TestAccuracySd:P2}");
            cells.Add(double.IsNaN(s.OsgrLhs) ? "—" : $"{Show(s.OsgrLhs)} ({s.OsgrStep})");
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        AnsiConsole.Write(table);
    }

    private static string Show(double v) => double.IsNaN(v) ? "—" : v.ToString("G5", CultureInfo.InvariantCulture);
}
