using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Reports;

/// <summary>A point and the curves of its completed replicates, in replicate order (failed and unfinished runs have none).</summary>
internal sealed record PointRuns(SweepPoint Point, IReadOnlyList<IReadOnlyList<CurveRow>> Completed);

/// <summary>
/// What a report is drawn from. The aggregates in the ledger (<see cref="ResultsTable"/>, through the same store
/// classes as <c>sweeps results</c>) hold per (point, step) the OSGR sides and the replicate means and sds of GSNR,
/// MGS, losses and accuracies; only the per-run <c>curves.csv</c> blobs hold the diagnostics columns (overfit,
/// f_p, learned fractions) and each replicate's accuracy curve, which table 1's "final" and "max" need.
/// </summary>
internal sealed record ReportData(string Sweep, SweepSpec Spec, SweepProgress Progress, ResultsTable Results, IReadOnlyList<PointRuns> Points)
{
    public int AggregatesPending => Results.Rows.Count(r => r.Aggregate is null);

    public int RunsPending => Progress.Runs - Progress.RunsEnded;

    public bool Complete => RunsPending == 0 && AggregatesPending == 0 && Progress.RunsFailed == 0;

    /// <summary>Reads a sweep; throws <see cref="InvalidOperationException"/> naming the home for an unknown sweep.</summary>
    public static ReportData Load(SweepStores stores, string sweep)
    {
        var store = new LedgerSweepStore(stores.Ledger, stores.Blobs);
        string? specText;
        try
        {
            specText = store.ReadSpec(sweep);
        }
        catch (ArgumentException)
        {
            specText = null; // not a valid blob key (e.g. "a/../b"), so no sweep can have that id
        }
        if (specText is null) throw new UnknownSweepException($"unknown sweep '{sweep}' in {stores.Description}");
        var grain = new SweepCatalog(sweep, store);
        var spec = grain.LoadSpec();
        var results = ResultsTable.Build(sweep, spec, store.ReadAggregate);
        var points = spec.Points.Select(p => new PointRuns(p, Enumerable.Range(0, p.Spec.Replicates)
            .Select(r => new BlobRunStore(stores.Blobs, new RunId(sweep, p.Index, r)).ReadCurves())
            .Where(c => c is { Count: > 0 }).Select(c => c!).ToArray())).ToArray();
        return new ReportData(sweep, spec, grain.Progress(), results, points);
    }
}
