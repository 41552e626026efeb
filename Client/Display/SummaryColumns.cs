using System.Globalization;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Silo.Results;

namespace OrleansSweeps.Client.Display;

/// <summary>
/// One column of the end-of-sweep table: its header, its cells as printed, and how readily it is left out when the
/// table is too wide (<see cref="DropRank"/> 0: never; otherwise the lowest rank goes first).
/// </summary>
internal sealed record SummaryColumn(string Header, IReadOnlyList<string> Cells, bool Numeric, int DropRank = 0)
{
    /// <summary>The width of its widest cell or of its header's longest piece (headers wrap at spaces and after dots).</summary>
    public int Width => Math.Max(Cells.Select(c => c.Length).DefaultIfEmpty(0).Max(), HeaderPieces(Header).Max(p => p.TrimEnd().Length));

    /// <summary>The header in lines of at most <see cref="Width"/>: a grid path such as <c>dataset.label_noise.fraction</c> breaks after its dots.</summary>
    public string WrappedHeader()
    {
        var lines = new List<string>();
        var line = "";
        foreach (var piece in HeaderPieces(Header))
        {
            if (line.Length > 0 && (line + piece).TrimEnd().Length > Width)
            {
                lines.Add(line.TrimEnd());
                line = "";
            }
            line += piece;
        }
        lines.Add(line.TrimEnd());
        return string.Join('\n', lines);
    }

    private static IEnumerable<string> HeaderPieces(string header)
    {
        var start = 0;
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i] is ' ' or '.' && i + 1 < header.Length)
            {
                yield return header[start..(i + 1)];
                start = i + 1;
            }
        }
        yield return header[start..];
    }
}

/// <summary>The end-of-sweep table's columns and the notes under it: what the values are, and at which steps.</summary>
internal static class SummaryColumns
{
    public const string TrainLoss = "train loss";

    public const string TestLoss = "test loss";

    public const string FinalTestAcc = "final test acc (%)";

    public const string OsgrLhs = "OSGR lhs";

    /// <summary>The columns, point and grid parameters first; the losses are the first to be left out.</summary>
    public static IReadOnlyList<SummaryColumn> Of(SweepSpec sweep, IReadOnlyList<PointSummary> summaries)
    {
        var classification = summaries.Any(s => !double.IsNaN(s.TestAccuracyMean));
        var columns = new List<SummaryColumn> { new("point", Cells(summaries, s => s.Point.Id), Numeric: false) };
        for (var a = 0; a < sweep.Grid.Count; a++)
        {
            var axis = a;
            columns.Add(new SummaryColumn(sweep.Grid[a].Path, Cells(summaries, s => Reports.PointLabels.Value(sweep.Grid[axis].Path, s.Point.Parameters[axis].Value)), Numeric: false));
        }
        columns.Add(new SummaryColumn("runs", Cells(summaries, s => Int(s.Runs)), Numeric: true));
        if (summaries.Any(s => s.Failed > 0)) columns.Add(new SummaryColumn("failed", Cells(summaries, s => Int(s.Failed)), Numeric: true));
        if (!OneStep(summaries.Where(s => s.FinalStep >= 0).Select(s => s.FinalStep)))
            columns.Add(new SummaryColumn("step", Cells(summaries, s => s.FinalStep < 0 ? "—" : Int(s.FinalStep)), Numeric: true));
        // Classification shows its final test accuracy, so its losses are the first to go; a regression's test loss is its result.
        columns.Add(new SummaryColumn(TrainLoss, Cells(summaries, s => Number(s.TrainLossMean)), Numeric: true, DropRank: 1));
        columns.Add(new SummaryColumn(TestLoss, Cells(summaries, s => Number(s.TestLossMean)), Numeric: true, DropRank: classification ? 2 : 0));
        if (classification)
            columns.Add(new SummaryColumn(FinalTestAcc, Cells(summaries, s => Percent(s.TestAccuracyMean, s.TestAccuracySd)), Numeric: true));
        if (summaries.Any(s => !double.IsNaN(s.OsgrLhs)))
        {
            // The step goes into each cell only when points differ in it; otherwise the note under the table names it.
            var withStep = !OneStep(summaries.Where(s => s.OsgrStep >= 0).Select(s => s.OsgrStep));
            columns.Add(new SummaryColumn(OsgrLhs, Cells(summaries, s => double.IsNaN(s.OsgrLhs) ? "—" : withStep ? $"{Number(s.OsgrLhs)} ({s.OsgrStep})" : Number(s.OsgrLhs)), Numeric: true));
        }
        if (summaries.Any(s => !double.IsNaN(s.OsgrRhs))) columns.Add(new SummaryColumn("OSGR rhs", Cells(summaries, s => Number(s.OsgrRhs)), Numeric: true));
        return columns;
    }

    /// <summary>What the <paramref name="shown"/> columns hold, one sentence each.</summary>
    public static IReadOnlyList<string> Notes(IReadOnlyList<PointSummary> summaries, IReadOnlyList<SummaryColumn> shown)
    {
        var notes = new List<string>();
        bool Shown(string header) => shown.Any(c => c.Header == header);
        var finals = summaries.Where(s => s.FinalStep >= 0).Select(s => s.FinalStep).Distinct().ToArray();
        if (Shown(TrainLoss) || Shown(TestLoss))
        {
            notes.Add(finals.Length == 1
                ? $"losses: replicate means at step {finals[0]}, the last recorded."
                : "losses: replicate means at the last recorded step.");
        }
        if (Shown(FinalTestAcc)) notes.Add($"final test acc: {FinalTestAccuracy.Definition}; mean ± sample sd over replicates (none with one).");
        var osgrSteps = summaries.Where(s => s.OsgrStep >= 0).Select(s => s.OsgrStep).Distinct().ToArray();
        if (Shown(OsgrLhs))
        {
            notes.Add(osgrSteps.Length == 1
                ? $"OSGR lhs (eq. 23) and rhs (eq. 19): at step {osgrSteps[0]}, the first recorded step with next-step losses."
                : "OSGR lhs (eq. 23) and rhs (eq. 19): at the first recorded step with next-step losses (in brackets).");
        }
        return notes;
    }

    /// <summary>"92.10 ± 1.20" in %; the mean alone where the sd is undefined (one replicate).</summary>
    public static string Percent(double mean, double sd) =>
        double.IsNaN(mean) ? "—"
        : (100 * mean).ToString("0.00", CultureInfo.InvariantCulture) + (double.IsNaN(sd) ? "" : " ± " + (100 * sd).ToString("0.00", CultureInfo.InvariantCulture));

    private static bool OneStep(IEnumerable<int> steps) => steps.Distinct().Count() <= 1;

    private static string[] Cells(IReadOnlyList<PointSummary> summaries, Func<PointSummary, string> cell) => summaries.Select(cell).ToArray();

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Number(double v) => double.IsNaN(v) ? "—" : v.ToString("G5", CultureInfo.InvariantCulture);
}
