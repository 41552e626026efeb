using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Silo.Results;
using Spectre.Console;

namespace OrleansSweeps.Client.Display;

/// <summary>
/// The end-of-sweep table: one row per point, grid parameters first, then notes saying what the values are. It is
/// laid out to the console's width and never splits a value across lines: column widths come from the values, headers
/// break between words and after the dots of a grid path; when that is still too wide the losses are left out (and
/// named), and when even that does not fit each point is printed as a block of "name value" items.
/// </summary>
internal static class SummaryTable
{
    public static void Write(SweepSpec sweep, IReadOnlyList<PointSummary> summaries)
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = RedirectedWidth();
        Write(AnsiConsole.Console, sweep, summaries);
    }

    internal static void Write(IAnsiConsole console, SweepSpec sweep, IReadOnlyList<PointSummary> summaries)
    {
        var width = console.Profile.Width;
        var all = SummaryColumns.Of(sweep, summaries);
        var shown = all.ToList();
        foreach (var rank in all.Select(c => c.DropRank).Where(r => r > 0).Distinct().Order())
        {
            if (TableWidth(shown) <= width) break;
            shown.RemoveAll(c => c.DropRank == rank);
        }
        if (TableWidth(shown) <= width)
        {
            console.Write(Table(shown));
        }
        else
        {
            shown = all.ToList();
            Stacked(console, all, width);
        }
        var notes = SummaryColumns.Notes(summaries, shown).ToList();
        var left = all.Except(shown).Select(c => c.Header).ToArray();
        if (left.Length > 0) notes.Add($"Left out to fit {width} columns: {string.Join(", ", left)} (results/summary.csv has every column).");
        foreach (var note in notes) console.WriteLine(note);
    }

    /// <summary>
    /// Piped (logs, CI), Spectre cannot ask a terminal and assumes 80 columns; <c>$COLUMNS</c>, where the shell
    /// exports it, says how wide the reader's terminal is.
    /// </summary>
    internal static int RedirectedWidth() =>
        int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns >= 20 ? columns : 80;

    /// <summary>
    /// The width <see cref="Table"/> renders to: each column's width and its one space of right padding, and the
    /// simple border's blank edge before and after every column.
    /// </summary>
    internal static int TableWidth(IReadOnlyList<SummaryColumn> columns) => columns.Sum(c => c.Width + 2) + 1;

    private static Table Table(IReadOnlyList<SummaryColumn> columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in columns)
        {
            var column = new TableColumn(Markup.Escape(c.WrappedHeader())).Width(c.Width).NoWrap().Padding(0, 0, 1, 0);
            table.AddColumn(c.Numeric ? column.RightAligned() : column);
        }
        var rows = columns[0].Cells.Count;
        for (var r = 0; r < rows; r++) table.AddRow(columns.Select(c => Markup.Escape(c.Cells[r])).ToArray());
        return table;
    }

    /// <summary>Each point as a block: its id, then "header value" items, as many to a line as fit.</summary>
    private static void Stacked(IAnsiConsole console, IReadOnlyList<SummaryColumn> columns, int width)
    {
        const string indent = "  ";
        for (var r = 0; r < columns[0].Cells.Count; r++)
        {
            var line = columns[0].Cells[r];
            foreach (var c in columns.Skip(1))
            {
                var item = $"{c.Header} {c.Cells[r]}";
                if (line.Length + 2 + item.Length > width && line.Trim().Length > 0)
                {
                    console.WriteLine(line);
                    line = indent + item;
                }
                else
                {
                    line += (line.Trim().Length == 0 ? "" : "  ") + item;
                }
            }
            console.WriteLine(line);
        }
    }
}
