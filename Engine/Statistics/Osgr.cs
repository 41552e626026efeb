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
}
