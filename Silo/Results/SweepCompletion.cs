using System.Text;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;

namespace OrleansSweeps.Silo.Results;

/// <summary>
/// The results of a finished sweep: the sweep grain's table (<c>results/results.csv</c>, one row per point and
/// recorded step, from the aggregates) and the per-point summary (<c>results/summary.csv</c>, from the curves).
/// </summary>
public static class SweepCompletion
{
    public static (ResultsTable Table, IReadOnlyList<PointSummary> Summaries) Write(SweepCatalog grain, SweepSpec spec, IBlobStore blobs)
    {
        var table = grain.TryComplete(spec) ?? throw new InvalidOperationException($"sweep '{grain.Id}' has not finished");
        var summaries = spec.Points.Select(point => PointSummary.From(point, Outcomes(grain.Id, point, blobs))).ToArray();
        Blocking.Wait(blobs.PutAsync(BlobKeys.Result(grain.Id, "summary"), Encoding.UTF8.GetBytes(PointSummary.ToCsv(summaries))));
        return (table, summaries);
    }

    /// <summary>The ended runs' outcomes, in replicate order (runs of a cancelled sweep may have none).</summary>
    private static List<RunOutcome> Outcomes(string sweep, SweepPoint point, IBlobStore blobs)
    {
        var outcomes = new List<RunOutcome>();
        for (var m = 0; m < point.Spec.Replicates; m++)
        {
            var store = new BlobRunStore(blobs, new RunId(sweep, point.Index, m));
            if (store.ReadCurves() is { } curves) outcomes.Add(new RunOutcome(curves, null, true));
            else if (store.ReadFailure() is { } failure) outcomes.Add(new RunOutcome(null, failure, true));
        }
        return outcomes;
    }
}
