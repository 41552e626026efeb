using System.Globalization;
using System.Text;

namespace OrleansSweeps.Engine.Training;

/// <summary>
/// Gradient statistics of one parameter tensor (or the whole model, <see cref="Tensor"/> = −1) at a
/// recorded step (SCIENCE.md §1, §3). NaN where not recorded. Written to a run's <c>stats.csv</c>.
/// </summary>
/// <param name="Tensor">Index of the parameter tensor in parameter order (layer l's weight is 2l, its bias 2l+1); −1: the model.</param>
/// <param name="GsnrMean">Mean over the tensor's parameters of the per-run GSNR r_j = g_j²/(ρ²_j + ε) (eq. 25).</param>
/// <param name="SumG2">Σ_j g_j².</param>
/// <param name="SumRho2">Σ_j ρ²_j (population variance, divisor n).</param>
/// <param name="WgNegShare">Share of parameters with W_j·g_j &lt; 0.</param>
/// <param name="WgNegShareTop10">The same among the 10% of parameters with the largest |W_j|.</param>
/// <param name="DgWCorrelation">Pearson correlation of the one-step change of g with W (gradient descent steps).</param>
/// <param name="MgsTrace">trace(K) of the MGS kernel on the stats batch (model row only).</param>
/// <param name="MgsLogDet">log det(K), NaN when singular (model row only).</param>
/// <param name="MgsSingular">1 when K was singular, 0 when not (model row only).</param>
public sealed record StatsRow(
    int Step,
    int Tensor,
    long Parameters,
    double GsnrMean,
    double GsnrMedian,
    double GsnrQ10,
    double GsnrQ90,
    double SumG2,
    double SumRho2,
    double PSameSignMean,
    double WgNegShare,
    double WgNegShareTop10,
    double DgWCorrelation,
    double MgsTrace,
    double MgsLogDet,
    double MgsSingular)
{
    public const string CsvHeader =
        "step,tensor,params,gsnr_mean,gsnr_median,gsnr_q10,gsnr_q90,sum_g2,sum_rho2,p_same_sign_mean,wg_neg_share,wg_neg_share_top10,dg_w_corr,mgs_trace,mgs_logdet,mgs_singular";

    public const int FieldCount = 16;

    /// <summary>"model", or "{layer}.weight" / "{layer}.bias" (layers with parameters numbered from 0).</summary>
    public string TensorName => Tensor < 0 ? "model" : $"{Tensor / 2}.{(Tensor % 2 == 0 ? "weight" : "bias")}";

    public static string ToCsv(IEnumerable<StatsRow> rows)
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (var r in rows)
        {
            text.Append(r.Step.ToString(CultureInfo.InvariantCulture)).Append(',').Append(r.TensorName).Append(',')
                .Append(r.Parameters.ToString(CultureInfo.InvariantCulture));
            foreach (var v in r.ToArray().AsSpan(3)) text.Append(',').Append(double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        return text.ToString();
    }

    internal double[] ToArray() =>
    [
        Step, Tensor, Parameters, GsnrMean, GsnrMedian, GsnrQ10, GsnrQ90, SumG2, SumRho2, PSameSignMean,
        WgNegShare, WgNegShareTop10, DgWCorrelation, MgsTrace, MgsLogDet, MgsSingular,
    ];

    internal static StatsRow FromArray(ReadOnlySpan<double> v) =>
        new((int)v[0], (int)v[1], (long)v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
}
