namespace OrleansSweeps.Engine.Statistics;

/// <summary>One-step generalisation ratio from losses (SCIENCE.md §2).</summary>
public static class Osgr
{
    /// <summary>
    /// eq. 23: R_lhs(t) = Σ_m (L'_{m,t+1} − L'_{m,t}) / Σ_m (L_{m,t+1} − L_{m,t}), with L a run's loss on its
    /// own training set and L' on the common test set. Sums run in replicate order. NaN when any
    /// replicate lacks the next-step losses or the training loss did not change.
    /// </summary>
    public static double Lhs(IReadOnlyList<(double Train, double TrainNext, double Test, double TestNext)> replicates)
    {
        double numerator = 0, denominator = 0;
        foreach (var r in replicates)
        {
            if (double.IsNaN(r.TrainNext) || double.IsNaN(r.TestNext)) return double.NaN;
            numerator += r.TestNext - r.Test;
            denominator += r.TrainNext - r.Train;
        }
        return denominator == 0 ? double.NaN : numerator / denominator;
    }

    /// <summary>
    /// eq. 19 from per-run scalars: R_rhs = 1 − Σ_j ρ²_j / (n Σ_j E[g²_{D,j}]) with the eq. 24 estimators,
    /// i.e. 1 − mean_m(Σ_j ρ²_{m,j}) / (n · mean_m(Σ_j g²_{m,j})). Sums run in replicate order.
    /// </summary>
    public static double Rhs(IReadOnlyList<(double SumRho2, double SumG2)> replicates, int n)
    {
        double rho2 = 0, g2 = 0;
        foreach (var (sumRho2, sumG2) in replicates)
        {
            rho2 += sumRho2;
            g2 += sumG2;
        }
        return 1.0 - rho2 / (n * g2);
    }
}

/// <summary>
/// OSGR's right-hand side and the cross-run GSNR from the M replicates' per-parameter vectors
/// (SCIENCE.md §2, eq. 19, 21, 22, 24). Sums run in replicate order, then parameter order, in float64.
/// </summary>
public sealed class OsgrEstimator
{
    /// <param name="replicates">Each replicate's g_{m,·} and ρ²_{m,·} (same length, parameter order).</param>
    /// <param name="n">Training-set size of every replicate.</param>
    public OsgrEstimator(IReadOnlyList<(IReadOnlyList<float> Mean, IReadOnlyList<float> Variance)> replicates, int n)
    {
        if (replicates.Count == 0) throw new ArgumentException("need at least one replicate", nameof(replicates));
        var count = replicates[0].Mean.Count;
        MeanSquare = new double[count];
        Variance = new double[count];
        foreach (var (mean, variance) in replicates)
        {
            if (mean.Count != count || variance.Count != count) throw new ArgumentException("replicate vectors differ in length", nameof(replicates));
            for (var j = 0; j < count; j++)
            {
                MeanSquare[j] += (double)mean[j] * mean[j];
                Variance[j] += variance[j];
            }
        }
        for (var j = 0; j < count; j++)
        {
            MeanSquare[j] /= replicates.Count;
            Variance[j] /= replicates.Count;
        }
        N = n;
    }

    public int N { get; }

    /// <summary>E[g²_{D,j}] ≈ (1/M) Σ_m g²_{m,j} (eq. 24).</summary>
    public double[] MeanSquare { get; }

    /// <summary>ρ²_j ≈ (1/M) Σ_m ρ²_{m,j} (eq. 24).</summary>
    public double[] Variance { get; }

    /// <summary>eq. 19: R = 1 − Σ_j ρ²_j / (n Σ_j E[g²_{D,j}]).</summary>
    public double Rhs() => 1.0 - Variance.Sum() / (N * MeanSquare.Sum());

    /// <summary>
    /// eq. 22: R = 1 − (1/n) Σ_j W_j / (r_j + 1/n), W_j = E[g²_j]/Σ E[g²]. Written as W_j·ρ²_j/E[g²_j]
    /// (r_j + 1/n = E[g²_j]/ρ²_j), so parameters with ρ²_j = 0 (r_j = ∞) contribute 0, as in the limit.
    /// </summary>
    public double RhsWeighted()
    {
        var total = MeanSquare.Sum();
        double sum = 0;
        for (var j = 0; j < MeanSquare.Length; j++)
        {
            if (MeanSquare[j] == 0) continue;
            var weight = MeanSquare[j] / total;
            var r = CrossRunGsnr(j);
            sum += double.IsPositiveInfinity(r) ? 0 : weight / (r + 1.0 / N);
        }
        return 1.0 - sum / N;
    }

    /// <summary>eq. 21: r_j = g̃²_j / ρ²_j with g̃²_j = E[g²_j] − ρ²_j/n; may be negative (estimation noise); +∞ where ρ²_j = 0.</summary>
    public double CrossRunGsnr(int j) =>
        Variance[j] == 0 ? double.PositiveInfinity : (MeanSquare[j] - Variance[j] / N) / Variance[j];

    /// <summary>Share of parameters whose cross-run GSNR estimate is negative.</summary>
    public double NegativeGsnrShare() => Enumerable.Range(0, Variance.Length).Count(j => CrossRunGsnr(j) < 0) / (double)Variance.Length;
}
