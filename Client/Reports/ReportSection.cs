using OrleansSweeps.Client.Reports.Plotting;

namespace OrleansSweeps.Client.Reports;

/// <summary>A table of the report: cells as shown in the page, and the same numbers exactly as CSV (written beside it).</summary>
internal sealed record ReportTable(string Id, string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, string Csv);

/// <summary>
/// One part of the report: its figures and tables, and notes of one line each saying why a figure is
/// omitted or partial (the sweep did not record the data for it, or has not yet).
/// </summary>
internal sealed record ReportSection(string Id, string Heading, string Description)
{
    public IReadOnlyList<FigureSpec> Figures { get; init; } = [];

    public IReadOnlyList<ReportTable> Tables { get; init; } = [];

    public IReadOnlyList<string> Notes { get; init; } = [];
}
