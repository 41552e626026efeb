using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Silo.Results;

namespace OrleansSweeps.Client.Display;

/// <summary>What <c>sweeps results</c> has to show for a finished sweep, named in the hint that ends <c>sweeps run</c>.</summary>
internal static class ResultsHint
{
    public static string For(SweepSpec sweep, IReadOnlyList<PointSummary> summaries)
    {
        // osgr_lhs (eq. 23) needs each run's losses one update later, which only gradient-descent runs record
        // (TrainingRun); SGD and Adam sweeps have empty OSGR columns, so naming OSGR there would send the user to nothing.
        if (sweep.Points.Any(p => p.Spec.Training.Optimizer == OptimizerKind.Gd)) return "OSGR per recorded step";
        var shown = new List<string> { "losses" };
        if (summaries.Any(s => double.IsFinite(s.TestAccuracyMean))) shown.Add("test accuracy");
        if (sweep.Points.Any(p => p.Spec.Stats.Moments)) shown.Add("mean GSNR");
        if (sweep.Points.Any(p => p.Spec.Stats.MgsBatch > 0)) shown.Add("the MGS kernel");
        return $"the replicate means of {Join(shown)} per recorded step";
    }

    private static string Join(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";
}
