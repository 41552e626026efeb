using System.Runtime.InteropServices;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Storage;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Grains.Runs;

namespace OrleansSweeps.Grains.Aggregates;

/// <summary>
/// The aggregator of one (point, recorded step), activated once the M replicate reports are in. Every
/// reduction runs in replicate order (then parameter order) in float64, so the result is the same bits
/// whichever silo computes it and however often it was interrupted.
/// </summary>
public sealed class AggregateReduction(AggregateId id, RunSpec spec, IAggregateStore store)
{
    /// <summary>Envelope kind of the per-parameter cross-run GSNR blob (float64 [P]).</summary>
    public const string CrossRunGsnrKind = "cross-gsnr";

    public AggregateId Id { get; } = id;

    /// <summary>Computes and stores the result.</summary>
    public AggregateResult Activate()
    {
        var payloads = store.ReadReports();
        var reports = payloads.Select((p, m) => StepReportPayload.Parse(p, $"{Id} replicate {m}")).ToArray();
        var rows = reports.Select(r => r.Row).ToArray();
        if (rows.Any(r => r.Step != Id.Step)) throw new InvalidDataException($"{Id}: a report of another step was handed to this aggregate");
        var values = Scalars(rows);
        if (spec.Stats.Vectors && rows.All(r => r.Stats is not null)) AddCrossRun(values, reports);
        var result = new AggregateResult(Id.Step, rows.Length, values);
        store.Complete(result.Format());
        return result;
    }

    private Dictionary<string, double> Scalars(CurveRow[] rows)
    {
        var values = new Dictionary<string, double>
        {
            // eq. 23, from each run's losses before and after update t.
            ["osgr_lhs"] = Osgr.Lhs(rows.Select(r => (r.TrainLoss, r.TrainLossNext, r.TestLoss, r.TestLossNext)).ToArray()),
            // eq. 19 with the eq. 24 estimators needs only each run's Σρ² and Σg².
            ["osgr_rhs"] = rows.All(r => r.Stats is not null)
                ? Osgr.Rhs(rows.Select(r => (r.Stats!.SumRho2, r.Stats.SumG2)).ToArray(), spec.TrainSize)
                : double.NaN,
        };
        void Moments(string name, Func<CurveRow, double> of)
        {
            var (mean, sd) = ReplicateMoments.Of(rows.Select(of).ToArray());
            values[name + "_mean"] = mean;
            values[name + "_sd"] = sd;
        }
        Moments("gsnr", r => r.Stats?.GsnrMean ?? double.NaN);
        Moments("mgs_trace", r => r.Stats?.MgsTrace ?? double.NaN);
        Moments("mgs_logdet", r => r.Stats?.MgsLogDet ?? double.NaN);
        Moments("train_loss", r => r.TrainLoss);
        Moments("test_loss", r => r.TestLoss);
        Moments("train_acc", r => r.TrainAccuracy);
        Moments("test_acc", r => r.TestAccuracy);
        return values;
    }

    /// <summary>eq. 21, 22, 24 from the M replicates' per-parameter vectors; stores r_j as a blob.</summary>
    private void AddCrossRun(Dictionary<string, double> values, StepReport[] reports)
    {
        var vectors = reports.Select((r, m) => store.ReadMomentVectors(m, r.Moments
                ?? throw new InvalidDataException($"{Id} replicate {m}: the report names no moment vectors")))
            .Select(v => ((IReadOnlyList<float>)v.Mean, (IReadOnlyList<float>)v.Variance)).ToArray();
        var estimator = new OsgrEstimator(vectors, spec.TrainSize);
        var gsnr = new double[estimator.Variance.Length];
        double finiteSum = 0;
        var finite = 0;
        for (var j = 0; j < gsnr.Length; j++)
        {
            gsnr[j] = estimator.CrossRunGsnr(j);
            if (double.IsFinite(gsnr[j]))
            {
                finiteSum += gsnr[j];
                finite++;
            }
        }
        values["osgr_rhs_vectors"] = estimator.Rhs();
        values["osgr_rhs_weighted"] = estimator.RhsWeighted();
        // Parameters with ρ² = 0 have r = +∞; the mean is over the finite estimates.
        values["cross_gsnr_mean"] = finite == 0 ? double.NaN : finiteSum / finite;
        values["cross_gsnr_negative_share"] = estimator.NegativeGsnrShare();
        store.WriteCrossRunGsnr(BinaryEnvelope.Wrap(CrossRunGsnrKind, "float64", [gsnr.Length], MemoryMarshal.AsBytes(gsnr.AsSpan())));
    }
}
