using System.Globalization;
using System.Text.Json;
using OrleansSweeps.Grains.Sweeps;
using Spectre.Console;

namespace OrleansSweeps.Client.Display;

internal enum ResultsFormat
{
    Table,
    Csv,
    Json,
}

/// <summary>Writes a results table or its OSGR correlations to stdout as a table, CSV (exact numbers) or JSON (exact numbers; null where empty).</summary>
internal static class ResultsOutput
{
    private const int RedirectedWidth = 200;

    public static void Write(ResultsTable table, ResultsFormat format)
    {
        switch (format)
        {
            case ResultsFormat.Csv:
                Console.Out.Write(table.ToCsv());
                break;
            case ResultsFormat.Json:
                WriteJson(table.Header, table.Rows.Select(ResultsTable.Cells), numericFrom: 1 + table.Axes.Count);
                break;
            default:
                WriteTable(table.Header, table.Rows.Select(r => ResultsTable.Cells(r).Select((c, i) => i >= 1 + table.Axes.Count ? Short(c) : c).ToArray()));
                break;
        }
    }

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
                WriteJson(header, cells, numericFrom: 0);
                break;
            default:
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

    /// <summary>One object per row; cells from <paramref name="numericFrom"/> on are numbers (null when empty), the rest strings.</summary>
    private static void WriteJson(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, int numericFrom)
    {
        using var stdout = Console.OpenStandardOutput();
        using var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var row in rows)
        {
            json.WriteStartObject();
            for (var i = 0; i < header.Count; i++)
            {
                if (i < numericFrom) json.WriteString(header[i], row[i]);
                else if (row[i].Length == 0) json.WriteNull(header[i]);
                else
                {
                    json.WritePropertyName(header[i]);
                    json.WriteRawValue(row[i]);
                }
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
