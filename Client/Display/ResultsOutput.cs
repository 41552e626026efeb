using System.Globalization;
using System.Text.Json;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Sweeps;
using Spectre.Console;

namespace OrleansSweeps.Client.Display;

internal enum ResultsFormat
{
    Table,
    Csv,
    Json,
}

/// <summary>Writes a results table or its OSGR correlations to stdout as a table, CSV (exact numbers) or JSON (exact numbers, grid values typed as their fields; null where empty).</summary>
internal static class ResultsOutput
{
    private const int RedirectedWidth = 200;

    /// <param name="grid">The sweep's axes, in the table's order: their kinds type the grid columns in JSON.</param>
    public static void Write(ResultsTable table, IReadOnlyList<GridAxis> grid, ResultsFormat format)
    {
        switch (format)
        {
            case ResultsFormat.Csv:
                Console.Out.Write(table.ToCsv());
                break;
            case ResultsFormat.Json:
                // point (text), the grid values as their fields' types, then step and the aggregates (exact numbers).
                GridValueKind?[] kinds = [GridValueKind.Text, .. grid.Select(a => (GridValueKind?)a.Kind), .. Enumerable.Repeat<GridValueKind?>(null, 1 + ResultsTable.Columns.Count)];
                WriteJson(table.Header, table.Rows.Select(ResultsTable.Cells), kinds);
                break;
            default:
                WriteTable(table.Header, table.Rows.Select(r => ResultsTable.Cells(r).Select((c, i) => i >= 1 + table.Axes.Count ? Short(c) : c).ToArray()));
                break;
        }
    }

    /// <summary>
    /// What the correlation columns are (the table's first lines), as <see cref="OsgrCorrelation.Of"/> computes them: a
    /// slope alone does not say which side was regressed on which.
    /// </summary>
    public static readonly IReadOnlyList<string> CorrelationsLegend =
    [
        "OSGR lhs (eq. 23) against rhs (eq. 19) over the points, per recorded step:",
        "  pearson: their correlation",
        "  slope, intercept: least squares of lhs on rhs, lhs ≈ slope · rhs + intercept",
    ];

    public static void WriteCorrelations(IReadOnlyList<OsgrCorrelation> rows, ResultsFormat format)
    {
        var csv = OsgrCorrelation.ToCsv(rows);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        var cells = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        switch (format)
        {
            case ResultsFormat.Csv:
                Console.Out.Write(csv);
                break;
            case ResultsFormat.Json:
                WriteJson(header, cells, header.Select(_ => (GridValueKind?)null).ToArray());
                break;
            default:
                foreach (var line in CorrelationsLegend) AnsiConsole.WriteLine(line);
                WriteTable(header, cells.Select(r => r.Select(Short).ToArray()));
                break;
        }
    }

    private static void WriteTable(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = RedirectedWidth;
        var table = new Table().Border(TableBorder.Simple);
        foreach (var h in header) table.AddColumn(Markup.Escape(h));
        foreach (var row in rows) table.AddRow(row.Select(c => Markup.Escape(c.Length == 0 ? "—" : c)).ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>
    /// One object per row; each column's cells as <paramref name="kinds"/> says: a grid field's kind (text as a string,
    /// numbers, booleans, integer lists as arrays), or null for a computed number, written as its exact text. An empty
    /// cell of a typed column is null.
    /// </summary>
    private static void WriteJson(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, IReadOnlyList<GridValueKind?> kinds)
    {
        using var stdout = Console.OpenStandardOutput();
        using var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var row in rows)
        {
            json.WriteStartObject();
            for (var i = 0; i < header.Count; i++)
            {
                json.WritePropertyName(header[i]);
                JsonCell.Write(json, row[i], kinds[i]);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.Flush();
        stdout.WriteByte((byte)'\n');
    }

    private static string Short(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v.ToString("G5", CultureInfo.InvariantCulture) : cell;
}
