using System.CommandLine;
using OrleansSweeps.Client.Display;
using OrleansSweeps.Client.Reports;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>sweeps report SWEEP [--home DIR] --out DIR</c>: a self-contained HTML page of the sweep's figures and tables
/// (see <see cref="ReportWriter"/>); a sweep still running or cancelled gets a report of what exists, with a banner.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var sweep = CommonOptions.Sweep();
        var stores = new StoreOptions();
        var output = new Option<string>("--out") { Description = "Directory for index.html, figures/*.svg and tables/*.csv (created if missing)", Required = true };
        var command = new Command("report", "Write an HTML report of a sweep's figures and tables") { sweep, output };
        stores.AddTo(command);
        command.SetAction(parse => ErrorReporting.Run(() => Execute(parse.GetValue(sweep)!, stores.Read(parse), parse.GetValue(output)!)));
        return command;
    }

    private static int Execute(string sweepId, StoreSettings settings, string output)
    {
        var stores = SweepStores.OpenForReading(settings);
        try
        {
            var data = ReportData.Load(stores, sweepId);
            var sections = ReportWriter.Sections(data);
            var page = ReportWriter.Write(output, data, sections);
            Console.WriteLine($"report: {page} ({Counted.Of(sections.Sum(s => s.Figures.Count), "figure")}, {Counted.Of(sections.Sum(s => s.Tables.Count), "table")})");
            if (ReportPage.Banner(data.Progress, data.AggregatesPending, data.Results.Rows.Count) is { } banner) Console.WriteLine(banner);
            return ExitCodes.Ok;
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }
}
