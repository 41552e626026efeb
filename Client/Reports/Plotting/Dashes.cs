using System.Globalization;
using System.Xml.Linq;
using ScottPlot;

namespace OrleansSweeps.Client.Reports.Plotting;

/// <summary>
/// Dashed lines without a dash pattern in ScottPlot. Skia's SVG canvas cannot write a path effect: for every dashed
/// line it prints "Unsupported path effect in addPaint." on stderr and writes each dash as a filled outline. So a
/// dashed line is drawn solid in its colour at the alpha <see cref="Alpha"/> (no figure draws with it otherwise),
/// and <see cref="Apply"/> turns the stroke-opacity that alpha becomes in the SVG into a stroke-dasharray.
/// </summary>
internal static class Dashes
{
    public const byte Alpha = 253;

    /// <summary>6 px dash, 4 px gap.</summary>
    public const string Pattern = "6 4";

    /// <summary>The stroke colour of a line: <paramref name="hex"/>, marked when dashed.</summary>
    public static Color Stroke(string hex, bool dashed) => dashed ? Color.FromHex(hex).WithAlpha(Alpha) : Color.FromHex(hex);

    /// <summary>Makes every marked stroke of the exported SVG an opaque dashed one.</summary>
    public static void Apply(XElement svg)
    {
        foreach (var opacity in svg.Descendants().Attributes("stroke-opacity").Where(IsMark).ToArray())
        {
            var element = opacity.Parent!;
            opacity.Remove();
            element.SetAttributeValue("stroke-dasharray", Pattern);
        }
    }

    private static bool IsMark(XAttribute opacity) =>
        double.TryParse(opacity.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && Math.Abs(v - Alpha / 255.0) < 1e-6;
}
