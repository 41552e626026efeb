using System.Text;
using OrleansSweeps.Client.Display;
using OrleansSweeps.Grains.Sweeps;

namespace OrleansSweeps.Client.Reports;

/// <summary>
/// The report as one self-contained HTML page: inline CSS and SVG, no scripts, fonts or links off the page
/// (the CSV and SVG files beside it are linked relatively). Every text from the spec or ledger is escaped.
/// </summary>
internal static class ReportPage
{
    private const string Style = """
        body { font-family: sans-serif; color: #222; background: #fff; max-width: 1040px; margin: 24px auto; padding: 0 16px; }
        h1 code { font-size: 0.9em; }
        .meta { color: #555; }
        .banner { background: #fff3cd; border: 1px solid #d4a800; padding: 8px 12px; margin: 12px 0; }
        .note { color: #555; font-style: italic; margin: 4px 0; }
        figure { margin: 16px 0; }
        figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
        th { background: #f3f3f3; }
        td:first-child, th:first-child { text-align: left; }
        pre { background: #f7f7f7; padding: 8px; overflow-x: auto; }
        """;

    /// <summary>The page; <paramref name="figures"/> holds each figure's SVG by id (<see cref="ReportWriter.Figures"/>).</summary>
    public static string Render(ReportData data, IReadOnlyList<ReportSection> sections, IReadOnlyDictionary<string, string> figures)
    {
        var html = new StringBuilder();
        var sweep = Markup.Escape(data.Sweep);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append($"<title>Sweep {sweep}: report</title>\n<style>\n{Style}</style>\n</head>\n<body>\n")
            .Append($"<h1>Sweep <code>{sweep}</code></h1>\n")
            .Append($"<p class=\"meta\">spec <code>{Markup.Escape(data.Spec.Name)}</code> · {Counted.Of(data.Spec.Points.Count, "point")} · ")
            .Append($"{Counted.Of(data.Spec.RunCount, "run")} ({Markup.Int(data.Progress.RunsCompleted)} completed, {Markup.Int(data.Progress.RunsFailed)} failed) · ")
            .Append($"{Markup.Int(data.Results.Rows.Count - data.AggregatesPending)}/{Markup.Int(data.Results.Rows.Count)} aggregates</p>\n");
        if (Banner(data.Progress, data.AggregatesPending, data.Results.Rows.Count) is { } banner) html.Append($"<div class=\"banner\">{Markup.Escape(banner)}</div>\n");
        Contents(html, sections);
        foreach (var s in sections) Section(html, s, figures);
        html.Append($"<details><summary>spec.yaml</summary>\n<pre>{Markup.Escape(data.Spec.Text)}</pre>\n</details>\n")
            .Append("<p class=\"meta\">All results per point and step: <a href=\"tables/results.csv\">tables/results.csv</a>.</p>\n")
            .Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The line that warns of a partial report (null when every run ended well and every aggregate is computed).</summary>
    public static string? Banner(SweepProgress progress, int aggregatesPending, int aggregates)
    {
        var runsPending = progress.Runs - progress.RunsEnded;
        if (runsPending == 0 && aggregatesPending == 0 && progress.RunsFailed == 0) return null;
        var text = new StringBuilder(progress.Cancelled ? "Sweep cancelled, not complete: " : "Sweep not complete: ")
            .Append($"{Counted.OfTotal(runsPending, progress.Runs, "run")} pending, {Counted.OfTotal(aggregatesPending, aggregates, "aggregate")} pending");
        if (progress.RunsFailed > 0) text.Append($"; {Counted.Of(progress.RunsFailed, "run")} failed (left out)");
        return text.Append(". The figures show what exists so far.").ToString();
    }

    /// <summary>
    /// Links to the sections that show something (a figure or a table): a section of notes only ("… omitted: …") stays
    /// in the page, where it says why, but would only send a reader to nothing from the contents.
    /// </summary>
    private static void Contents(StringBuilder html, IReadOnlyList<ReportSection> sections)
    {
        var shown = sections.Where(HasContent).ToArray();
        if (shown.Length == 0) return;
        html.Append("<nav><ul>\n");
        foreach (var s in shown) html.Append($"<li><a href=\"#{s.Id}\">{Markup.Escape(s.Heading)}</a></li>\n");
        html.Append("</ul></nav>\n");
    }

    private static bool HasContent(ReportSection s) => s.Figures.Count > 0 || s.Tables.Count > 0;

    private static void Section(StringBuilder html, ReportSection s, IReadOnlyDictionary<string, string> figures)
    {
        html.Append($"<section id=\"{s.Id}\">\n<h2>{Markup.Escape(s.Heading)}</h2>\n<p>{Markup.Escape(s.Description)}</p>\n");
        foreach (var note in s.Notes) html.Append($"<p class=\"note\">{Markup.Escape(note)}</p>\n");
        foreach (var f in s.Figures)
        {
            html.Append("<figure>\n").Append(figures[f.Id])
                .Append($"<figcaption><a href=\"figures/{Markup.Escape(f.Id)}.svg\">{Markup.Escape(f.Id)}.svg</a></figcaption>\n</figure>\n");
        }
        foreach (var t in s.Tables) Table(html, t);
        html.Append("</section>\n");
    }

    private static void Table(StringBuilder html, ReportTable t)
    {
        html.Append($"<table id=\"table-{Markup.Escape(t.Id)}\">\n<caption>{Markup.Escape(t.Caption)} (<a href=\"tables/{Markup.Escape(t.Id)}.csv\">CSV</a>)</caption>\n<thead><tr>");
        foreach (var h in t.Header) html.Append($"<th>{Markup.Escape(h)}</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in t.Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append($"<td>{Markup.Escape(cell)}</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }
}
