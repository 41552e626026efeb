using System.Globalization;
using System.Text;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Silo.Results;

/// <summary>
/// A sweep point's outcome across its M replicates: the final recorded step's losses and accuracy
/// (mean, and sd for test accuracy), and OSGR's left-hand side (eq. 23) at the first recorded step
/// that has next-step losses (gradient descent only).
/// </summary>
public sealed record PointSummary(
    SweepPoint Point,
    int Runs,
    int FinalStep,
    double TrainLossMean,
    double TestLossMean,
    double TestAccuracyMean,
    double TestAccuracySd,
    int OsgrStep,
    double OsgrLhs)
{
    public static PointSummary From(SweepPoint point, IReadOnlyList<IReadOnlyList<CurveRow>> replicates)
    {
        var finals = replicates.Select(r => r[^1]).ToArray();
        var osgrRows = replicates.Select(r => r.FirstOrDefault(row => !double.IsNaN(row.TrainLossNext))).ToArray();
        var osgrStep = osgrRows.All(r => r is not null) ? osgrRows[0]!.Step : -1;
        var osgr = osgrStep < 0
            ? double.NaN
            : Osgr.Lhs(osgrRows.Select(r => (r!.TrainLoss, r.TrainLossNext, r.TestLoss, r.TestLossNext)).ToArray());
        var accuracy = ReplicateMoments.Of(finals.Select(f => f.TestAccuracy).ToArray());
        return new PointSummary(point, replicates.Count, finals[0].Step,
            ReplicateMoments.Of(finals.Select(f => f.TrainLoss).ToArray()).Mean,
            ReplicateMoments.Of(finals.Select(f => f.TestLoss).ToArray()).Mean,
            accuracy.Mean, accuracy.Sd, osgrStep, osgr);
    }

    public const string CsvHeader = "point,parameters,runs,final_step,train_loss_mean,test_loss_mean,test_acc_mean,test_acc_sd,osgr_step,osgr_lhs";

    public string ToCsv() => string.Join(',', Point.Id, Quote(Parameters), Runs.ToString(CultureInfo.InvariantCulture),
        FinalStep.ToString(CultureInfo.InvariantCulture), Format(TrainLossMean), Format(TestLossMean),
        Format(TestAccuracyMean), Format(TestAccuracySd), OsgrStep < 0 ? "" : OsgrStep.ToString(CultureInfo.InvariantCulture), Format(OsgrLhs));

    /// <summary>Grid parameters as <c>path=value</c> pairs separated by spaces.</summary>
    public string Parameters => string.Join(' ', Point.Parameters.Select(p => $"{p.Key}={p.Value}"));

    public static string ToCsv(IEnumerable<PointSummary> summaries)
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (var s in summaries) text.Append(s.ToCsv()).Append('\n');
        return text.ToString();
    }

    private static string Format(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
