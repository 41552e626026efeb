using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Engine.Statistics;

/// <summary>
/// Summaries of per-parameter gradient statistics per parameter tensor and for the whole model
/// (SCIENCE.md §1): quantiles of the per-run GSNR, Σg², Σρ², mean p_same_sign (over the parameters with
/// a non-zero gradient for at least one example; NaN when there is none), the share of
/// parameters with W·g &lt; 0 (all, and the top 10% by |W|, the GSNR paper's fig. 7), and the Pearson
/// correlation of the one-step change of g with W.
/// </summary>
public static class GradientSummary
{
    /// <summary>Share of parameters, by largest |W|, in the "top" group of fig. 7.</summary>
    public const double TopShare = 0.10;

    /// <param name="sizes">Element count of each parameter tensor, in parameter order.</param>
    /// <param name="weights">θ at the recorded step.</param>
    /// <param name="nextMean">Mean gradient after the update (same examples), or null; NaN entries (e.g. frozen tensors) leave that tensor's correlation NaN.</param>
    /// <param name="mgs">The MGS kernel on the stats batch, or null.</param>
    public static IReadOnlyList<StatsRow> Summarise(int step, GradientMoments? moments, IReadOnlyList<long> sizes, double[] weights, double[]? nextMean, MgsKernel? mgs)
    {
        var rows = new List<StatsRow>();
        var offset = 0;
        for (var t = 0; t < sizes.Count; t++)
        {
            rows.Add(Row(step, t, moments, offset, (int)sizes[t], weights, nextMean, null));
            offset += (int)sizes[t];
        }
        rows.Add(Row(step, -1, moments, 0, weights.Length, weights, nextMean, mgs));
        return rows;
    }

    private static StatsRow Row(int step, int tensor, GradientMoments? m, int offset, int count, double[] weights, double[]? nextMean, MgsKernel? mgs)
    {
        var nan = double.NaN;
        var (trace, logDet, singular) = mgs is null ? (nan, nan, nan) : (mgs.Trace, mgs.LogDet, mgs.Singular ? 1.0 : 0.0);
        if (m is null) return new StatsRow(step, tensor, count, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, trace, logDet, singular);

        var gsnr = new double[count];
        double sumG2 = 0, sumRho2 = 0, sameSign = 0;
        int opposed = 0, signed = 0;
        for (var i = 0; i < count; i++)
        {
            var j = offset + i;
            gsnr[i] = m.Gsnr(j);
            sumG2 += m.Mean[j] * m.Mean[j];
            sumRho2 += m.Variance(j);
            // SCIENCE.md §1: a parameter whose gradient is zero for every example has no sign and is left out.
            if (m.Positive is not null && m.Signed(j) > 0)
            {
                sameSign += m.PSameSign(j);
                signed++;
            }
            if (weights[j] * m.Mean[j] < 0) opposed++;
        }
        var sorted = gsnr.Order().ToArray();
        var top = TopByMagnitude(weights, offset, count);
        var topOpposed = top.Count(j => weights[j] * m.Mean[j] < 0);
        var correlation = nextMean is null ? nan : Pearson(offset, count, j => nextMean[j] - m.Mean[j], j => weights[j]);
        return new StatsRow(step, tensor, count, gsnr.Average(), Quantile(sorted, 0.5), Quantile(sorted, 0.1), Quantile(sorted, 0.9),
            sumG2, sumRho2, signed == 0 ? nan : sameSign / signed, (double)opposed / count, (double)topOpposed / top.Length,
            correlation, trace, logDet, singular);
    }

    /// <summary>Quantile with linear interpolation between order statistics (Hyndman &amp; Fan type 7, numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        var h = (sorted.Count - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Indices of the ceil(10%) parameters with the largest |W| (ties by index).</summary>
    public static int[] TopByMagnitude(double[] weights, int offset, int count)
    {
        var take = (int)Math.Ceiling(TopShare * count);
        return Enumerable.Range(offset, count).OrderByDescending(j => Math.Abs(weights[j])).ThenBy(j => j).Take(take).ToArray();
    }

    /// <summary>Pearson correlation of x and y over [offset, offset+count); NaN when either is constant or has NaN.</summary>
    public static double Pearson(int offset, int count, Func<int, double> x, Func<int, double> y)
    {
        double mx = 0, my = 0;
        for (var j = offset; j < offset + count; j++)
        {
            mx += x(j);
            my += y(j);
        }
        mx /= count;
        my /= count;
        double sxy = 0, sxx = 0, syy = 0;
        for (var j = offset; j < offset + count; j++)
        {
            var dx = x(j) - mx;
            var dy = y(j) - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }
}
