namespace OrleansSweeps.Engine.Training;

/// <summary>
/// The model-level gradient statistics a run appends to its curves at a recorded step (the model row
/// of <see cref="StatsRow"/>): enough for OSGR's right-hand side from per-run scalars (eq. 19 needs
/// only Σρ² and Σg²) and for GSNR/MGS curves.
/// </summary>
public sealed record ModelStats(
    double GsnrMean,
    double GsnrMedian,
    double SumG2,
    double SumRho2,
    double PSameSign,
    double WgNegShare,
    double MgsTrace,
    double MgsLogDet,
    double MgsSingular)
{
    public const string CsvHeader = "gsnr_mean,gsnr_median,sum_g2,sum_rho2,p_same_sign,wg_neg_share,mgs_trace,mgs_logdet,mgs_singular";

    public const int FieldCount = 9;

    internal static double[] Empty { get; } = [.. Enumerable.Repeat(double.NaN, FieldCount)];

    public static ModelStats From(StatsRow s) =>
        new(s.GsnrMean, s.GsnrMedian, s.SumG2, s.SumRho2, s.PSameSignMean, s.WgNegShare, s.MgsTrace, s.MgsLogDet, s.MgsSingular);

    internal double[] ToArray() => [GsnrMean, GsnrMedian, SumG2, SumRho2, PSameSign, WgNegShare, MgsTrace, MgsLogDet, MgsSingular];

    /// <summary>Null when every value is NaN (a step without statistics).</summary>
    internal static ModelStats? FromArray(double[] v) =>
        v.All(double.IsNaN) ? null : new ModelStats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
}
