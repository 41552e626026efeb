using System.Globalization;
using System.Text;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Grains.Runs;

namespace OrleansSweeps.Silo.Results;

/// <summary>
/// A sweep point's outcome across its completed replicates: the final recorded step's losses (mean), the
/// final test accuracy of <see cref="FinalTestAccuracy"/> (mean, and sample sd from two replicates on), and
/// OSGR's left-hand side (eq. 23) at the first recorded step that has next-step losses (gradient descent only),
/// beside its right-hand side (eq. 19) when the runs recorded moments. Failed (diverged) runs are counted and
/// left out of the statistics.
/// </summary>
public sealed record PointSummary(
    SweepPoint Point,
    int Runs,
    int Failed,
    int FinalStep,
    double TrainLossMean,
    double TestLossMean,
    double TestAccuracyMean,
    double TestAccuracySd,
    int OsgrStep,
    double OsgrLhs,
    double OsgrRhs)
{
    public const string CsvHeader = "point,parameters,runs,failed,final_step,train_loss_mean,test_loss_mean,test_acc_mean,test_acc_sd,osgr_step,osgr_lhs,osgr_rhs";

    /// <summary>Grid parameters as <c>path=value</c> pairs separated by spaces.</summary>
    public string Parameters => string.Join(' ', Point.Parameters.Select(p => $"{p.Key}={p.Value}"));

    public static PointSummary From(SweepPoint point, IReadOnlyList<RunOutcome> outcomes)
    {
        var replicates = outcomes.Where(o => o.Curves is { Count: > 0 }).Select(o => o.Curves!).ToArray();
        var failed = outcomes.Count - replicates.Length;
        if (replicates.Length == 0) return new PointSummary(point, 0, failed, -1, double.NaN, double.NaN, double.NaN, double.NaN, -1, double.NaN, double.NaN);
        var finals = replicates.Select(r => r[^1]).ToArray();
        var osgrRows = replicates.Select(r => r.FirstOrDefault(row => !double.IsNaN(row.TrainLossNext))).ToArray();
        var osgrStep = osgrRows.All(r => r is not null) ? osgrRows[0]!.Step : -1;
        var osgr = osgrStep < 0
            ? double.NaN
            : Osgr.Lhs(osgrRows.Select(r => (r!.TrainLoss, r.TrainLossNext, r.TestLoss, r.TestLossNext)).ToArray());
        // eq. 19 needs each run's Σρ² and Σg² at the same step (recorded when the spec asks for moments).
        var rhs = osgrStep < 0 || osgrRows.Any(r => r!.Stats is null)
            ? double.NaN
            : Osgr.Rhs(osgrRows.Select(r => (r!.Stats!.SumRho2, r.Stats.SumG2)).ToArray(), point.Spec.TrainSize);
        // A sample sd needs two replicates; with one ReplicateMoments gives NaN (an empty cell).
        var accuracy = ReplicateMoments.Of(replicates.Select(FinalTestAccuracy.Of).ToArray());
        return new PointSummary(point, replicates.Length, failed, finals[0].Step,
            ReplicateMoments.Of(finals.Select(f => f.TrainLoss).ToArray()).Mean,
            ReplicateMoments.Of(finals.Select(f => f.TestLoss).ToArray()).Mean,
            accuracy.Mean, accuracy.Sd, osgrStep, osgr, rhs);
    }

    public static string ToCsv(IEnumerable<PointSummary> summaries)
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (var s in summaries) text.Append(s.ToCsv()).Append('\n');
        return text.ToString();
    }

    public string ToCsv() => string.Join(',', Point.Id, Quote(Parameters), Int(Runs), Int(Failed), FinalStep < 0 ? "" : Int(FinalStep),
        Format(TrainLossMean), Format(TestLossMean), Format(TestAccuracyMean), Format(TestAccuracySd),
        OsgrStep < 0 ? "" : Int(OsgrStep), Format(OsgrLhs), Format(OsgrRhs));

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Format(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
