using System.Globalization;
using System.Text.Json;
using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Client.Display;

/// <summary>One cell of <c>sweeps results --format json</c> as a JSON value of its column's type.</summary>
internal static class JsonCell
{
    /// <param name="kind">The grid field's kind; null for a computed number, whose text is already exact JSON.</param>
    public static void Write(Utf8JsonWriter json, string cell, GridValueKind? kind)
    {
        if (kind is GridValueKind.Text)
        {
            json.WriteStringValue(cell);
            return;
        }
        if (cell.Length == 0)
        {
            json.WriteNullValue();
            return;
        }
        switch (kind)
        {
            case null:
                json.WriteRawValue(cell);
                break;
            // The spec binder accepted the text as its field's type; a value written otherwise (".5", "+3") is valid
            // YAML and a valid number, but not JSON, so it is parsed and written anew.
            case GridValueKind.Integer when long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer):
                json.WriteNumberValue(integer);
                break;
            case GridValueKind.Number when double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number):
                json.WriteNumberValue(number);
                break;
            case GridValueKind.Boolean when cell is "true" or "false":
                json.WriteBooleanValue(cell == "true");
                break;
            case GridValueKind.IntegerList when Integers(cell) is { } integers:
                json.WriteStartArray();
                foreach (var i in integers) json.WriteNumberValue(i);
                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(cell);
                break;
        }
    }

    /// <summary>"[20, 20]" (a list as the spec loader shows it) as its integers; null when it is not one.</summary>
    private static long[]? Integers(string cell)
    {
        if (cell.Length < 2 || cell[0] != '[' || cell[^1] != ']') return null;
        var inner = cell[1..^1].Trim();
        if (inner.Length == 0) return [];
        var items = inner.Split(',');
        var values = new long[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            if (!long.TryParse(items[i].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[i])) return null;
        }
        return values;
    }
}
