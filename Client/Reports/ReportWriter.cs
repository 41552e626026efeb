using System.Text;
using OrleansSweeps.Client.Reports.Plotting;
using OrleansSweeps.Client.Reports.Sections;

namespace OrleansSweeps.Client.Reports;

/// <summary>
/// Writes a sweep's report into a directory: <c>index.html</c> (self-contained), each figure as
/// <c>figures/{id}.svg</c> and each table as <c>tables/{id}.csv</c> (plus <c>tables/results.csv</c>).
/// <c>index.html</c> is written last, through a temp file and a rename, so it is never seen half written.
/// </summary>
internal static class ReportWriter
{
    public const string PageName = "index.html";

    /// <summary>The report's sections, in page order.</summary>
    public static IReadOnlyList<ReportSection> Sections(ReportData data) =>
    [
        OsgrSection.Build(data),
        GradientSections.Gsnr(data),
        GradientSections.Mgs(data),
        AccuracySection.Build(data),
        DiagnosticsSection.Build(data),
    ];

    /// <summary>Writes the report; returns the page's path. A directory that cannot be written throws an <see cref="IOException"/> naming it.</summary>
    public static string Write(string outDirectory, ReportData data, IReadOnlyList<ReportSection> sections)
    {
        var root = Path.GetFullPath(outDirectory);
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "figures"));
            Directory.CreateDirectory(Path.Combine(root, "tables"));
            var figures = Figures(sections);
            foreach (var (id, svg) in figures) WriteText(Path.Combine(root, "figures", id + ".svg"), svg);
            foreach (var t in sections.SelectMany(s => s.Tables)) WriteText(Path.Combine(root, "tables", t.Id + ".csv"), t.Csv);
            WriteText(Path.Combine(root, "tables", "results.csv"), data.Results.ToCsv());
            var page = Path.Combine(root, PageName);
            WriteText(page + ".tmp", ReportPage.Render(data, sections, figures));
            File.Move(page + ".tmp", page, overwrite: true);
            return page;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write the report to '{root}': {e.Message}", e);
        }
    }

    /// <summary>Each figure's SVG by figure id, drawn once for both the page and its file.</summary>
    public static IReadOnlyDictionary<string, string> Figures(IReadOnlyList<ReportSection> sections) =>
        sections.SelectMany(s => s.Figures).ToDictionary(f => f.Id, FigureSvg.Render);

    private static void WriteText(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(false));
}
