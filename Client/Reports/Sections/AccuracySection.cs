using System.Globalization;
using System.Text;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Silo.Results;

namespace OrleansSweeps.Client.Reports.Sections;

/// <summary>One point's row of table 1: final and max test accuracy, mean and sample sd across completed replicates.</summary>
internal sealed record AccuracyRow(PointRuns Runs, double FinalMean, double FinalSd, double MaxMean, double MaxSd, int MaxStep)
{
    /// <summary>
    /// As the MGS paper's table 1: final = <see cref="FinalTestAccuracy"/> (the console's summary shows the same), then
    /// mean ± sd over runs; max = the maximum over steps of the
    /// run-averaged curve, ± the sd over runs at that step. Null when no completed run has a test accuracy.
    /// </summary>
    public static AccuracyRow? Of(PointRuns runs)
    {
        var curves = runs.Completed.Where(c => c.Any(r => double.IsFinite(r.TestAccuracy))).ToArray();
        if (curves.Length == 0) return null;
        var finals = ReplicateMoments.Of(curves.Select(FinalTestAccuracy.Of).ToArray());
        var byStep = curves.SelectMany(c => c).Where(r => double.IsFinite(r.TestAccuracy)).GroupBy(r => r.Step).OrderBy(g => g.Key)
            .Select(g => (Step: g.Key, Moments: ReplicateMoments.Of(g.Select(r => r.TestAccuracy).ToArray()))).ToArray();
        var best = byStep.MaxBy(s => s.Moments.Mean);
        return new AccuracyRow(runs, finals.Mean, curves.Length > 1 ? finals.Sd : double.NaN,
            best.Moments.Mean, curves.Length > 1 ? best.Moments.Sd : double.NaN, best.Step);
    }
}

/// <summary>Table 1 of the MGS paper for this sweep: per point, final and max test accuracy (mean ± sd over replicates), from the per-run curves.</summary>
internal static class AccuracySection
{
    public static readonly IReadOnlyList<string> CsvColumns =
        ["runs", "final_test_acc_mean", "final_test_acc_sd", "max_test_acc_mean", "max_test_acc_sd", "max_step"];

    public static ReportSection Build(ReportData data)
    {
        var rows = data.Points.Select(AccuracyRow.Of).OfType<AccuracyRow>().ToArray();
        var section = new ReportSection("accuracy", "Test accuracy", $"Final: {FinalTestAccuracy.Definition}; max: the maximum over steps of the replicate-averaged curve. Mean ± sample sd over completed replicates, in %.");
        if (rows.Length == 0)
        {
            var why = data.Points.All(p => p.Completed.Count == 0) ? "no run has completed yet" : "the data set is a regression (no accuracies)";
            return section with { Notes = [$"Accuracy table omitted: {why}."] };
        }
        var axes = data.Results.Axes;
        var header = new List<string> { "point" };
        header.AddRange(axes);
        header.AddRange(["runs", "final test acc (%)", "max test acc (%)", "max at step"]);
        var shown = rows.Select(r => (IReadOnlyList<string>)[r.Runs.Point.Id, .. r.Runs.Point.Parameters.Select(p => PointLabels.Value(p.Key, p.Value)), Runs(r),
            Percent(r.FinalMean, r.FinalSd), Percent(r.MaxMean, r.MaxSd), Markup.Int(r.MaxStep)]).ToArray();
        var csv = new StringBuilder(string.Join(',', ["point", .. axes, .. CsvColumns])).Append('\n');
        foreach (var r in rows)
        {
            csv.Append(string.Join(',', [r.Runs.Point.Id, .. r.Runs.Point.Parameters.Select(p => Quote(p.Value)), Markup.Int(r.Runs.Completed.Count),
                Markup.Exact(r.FinalMean), Markup.Exact(r.FinalSd), Markup.Exact(r.MaxMean), Markup.Exact(r.MaxSd), Markup.Int(r.MaxStep)])).Append('\n');
        }
        return section with { Tables = [new ReportTable("accuracy", "Final and max test accuracy per point (mean ± sd over replicates)", header, shown, csv.ToString())] };
    }

    /// <summary>"87.31 ± 1.20": an accuracy fraction as % to 2 decimals (no sd with a single replicate).</summary>
    public static string Percent(double mean, double sd) =>
        (100 * mean).ToString("0.00", CultureInfo.InvariantCulture)
        + (double.IsNaN(sd) ? "" : " ± " + (100 * sd).ToString("0.00", CultureInfo.InvariantCulture));

    private static string Runs(AccuracyRow r) => $"{Markup.Int(r.Runs.Completed.Count)}/{Markup.Int(r.Runs.Point.Spec.Replicates)}";

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
