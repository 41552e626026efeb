using System.CommandLine;
using OrleansSweeps.Client.Display;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>sweeps results SWEEP [--home DIR | --ledger L --blobs B] [--format table|csv|json] [--correlations]</c>: one row per (point,
/// recorded step) from the aggregates (empty cells where not computed or not recorded); with
/// <c>--correlations</c>, per recorded step the Pearson correlation of OSGR lhs and rhs and the least squares of lhs on rhs.
/// </summary>
internal static class ResultsCommand
{
    public static Command Create()
    {
        var sweep = CommonOptions.Sweep();
        var stores = new StoreOptions();
        var format = new Option<ResultsFormat>("--format") { Description = "table, csv or json", DefaultValueFactory = _ => ResultsFormat.Table };
        var correlations = new Option<bool>("--correlations") { Description = "Per recorded step: points, Pearson c of osgr_lhs and osgr_rhs, and the least squares of lhs on rhs (lhs ≈ slope · rhs + intercept)" };
        var command = new Command("results", "Show a sweep's results per point and recorded step") { sweep, format, correlations };
        stores.AddTo(command);
        command.SetAction(parse => ErrorReporting.Run(() =>
            Execute(parse.GetValue(sweep)!, stores.Read(parse), parse.GetValue(format), parse.GetValue(correlations))));
        return command;
    }

    private static int Execute(string sweepId, StoreSettings settings, ResultsFormat format, bool correlations)
    {
        var stores = SweepStores.OpenForReading(settings);
        try
        {
            var store = new LedgerSweepStore(stores.Ledger, stores.Blobs);
            var grain = new SweepCatalog(sweepId, store);
            var spec = grain.LoadSpec();
            var table = ResultsTable.Build(sweepId, spec, store.ReadAggregate);
            if (correlations) ResultsOutput.WriteCorrelations(OsgrCorrelation.Of(table), format);
            else ResultsOutput.Write(table, spec.Grid, format);
            return ExitCodes.Ok;
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }
}
