using System.Globalization;
using System.Text;

namespace OrleansSweeps.Client.Reports;

/// <summary>
/// Text put into the report's HTML and SVG: escaped so that point labels (which come from user specs) can
/// never open an element or attribute, and numbers printed in the invariant culture.
/// </summary>
internal static class Markup
{
    /// <summary>
    /// Escapes the five markup characters for element text and quoted attributes alike; control characters
    /// (not allowed in XML even as references) become U+FFFD.
    /// </summary>
    public static string Escape(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var ch in Printable(text))
        {
            result.Append(ch switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => ch.ToString(),
            });
        }
        return result.ToString();
    }

    /// <summary>
    /// The text with control characters (not allowed in XML even as references) as U+FFFD: what goes to ScottPlot,
    /// whose SVG export escapes the markup characters itself.
    /// </summary>
    public static string Printable(string text) =>
        string.Concat(text.Select(ch => char.IsControl(ch) && ch is not ('\t' or '\n' or '\r') ? '\uFFFD' : ch));

    /// <summary>A pixel coordinate: two decimals are finer than any screen.</summary>
    public static string Px(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>An axis tick or legend number: up to 4 significant digits ("—" for NaN).</summary>
    public static string Short(double v) => double.IsNaN(v) ? "—" : v.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>The shortest round-trip text of a double (for data attributes and CSV); empty for NaN.</summary>
    public static string Exact(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    public static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
}
