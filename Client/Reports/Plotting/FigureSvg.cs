using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace OrleansSweeps.Client.Reports.Plotting;

/// <summary>
/// A figure as the SVG document put into the page and beside it (<c>figures/{id}.svg</c>): ScottPlot's SVG export,
/// made fit for a page of many figures and deterministic. ScottPlot names its clip paths from a counter shared by the
/// whole process ("cl_4"): they are renamed <c>{id}-clip-{n}</c> in document order, so two inline figures never share
/// an id and the same sweep gives the same bytes. Dashed lines get their dashes here (<see cref="Dashes"/>). The root gets the figure's id, a title, a viewBox (so the page can
/// scale it) and the plot area's pixels (<c>data-plot-area="x y width height"</c>); fonts fall back to any sans-serif.
/// </summary>
internal static partial class FigureSvg
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static string Render(FigureSpec spec)
    {
        var figure = FigurePlot.Build(spec);
        var xml = figure.Plot.GetSvgXml(figure.Width, figure.Height);
        var area = figure.Plot.LastRender.DataRect;
        var root = XDocument.Parse(xml, LoadOptions.PreserveWhitespace).Root!;

        RenameIds(root, spec.Id);
        Dashes.Apply(root);
        foreach (var font in root.Descendants().Attributes("font-family")) font.Value += ", sans-serif";
        // ScottPlot declares the xlink namespace without using it: one URL fewer in a page that fetches nothing.
        if (!root.Descendants().Attributes().Any(a => a.Name.Namespace == XNamespace.Get("http://www.w3.org/1999/xlink")))
            root.Attributes().Where(a => a.IsNamespaceDeclaration && a.Name.LocalName == "xlink").Remove();

        root.SetAttributeValue("id", "fig-" + spec.Id);
        root.SetAttributeValue("class", "figure");
        root.SetAttributeValue("viewBox", $"0 0 {Markup.Int(figure.Width)} {Markup.Int(figure.Height)}");
        root.SetAttributeValue("role", "img");
        root.SetAttributeValue("data-plot-area", $"{Markup.Px(area.Left)} {Markup.Px(area.Top)} {Markup.Px(area.Width)} {Markup.Px(area.Height)}");
        root.AddFirst(new XText("\n\t"));
        root.AddFirst(new XElement(Svg + "title", Markup.Printable(spec.Title)));
        return root.ToString(SaveOptions.DisableFormatting) + "\n";
    }

    private static void RenameIds(XElement root, string figureId)
    {
        var renamed = new Dictionary<string, string>();
        foreach (var id in root.Descendants().Attributes("id"))
        {
            var name = $"{figureId}-clip-{Markup.Int(renamed.Count)}";
            renamed[id.Value] = name;
            id.Value = name;
        }
        foreach (var a in root.Descendants().Attributes().Where(a => a.Value.Contains("url(#", StringComparison.Ordinal)))
            a.Value = UrlReference().Replace(a.Value, m => renamed.TryGetValue(m.Groups[1].Value, out var name) ? $"url(#{name})" : m.Value);
    }

    [GeneratedRegex(@"url\(#([^)]*)\)")]
    private static partial Regex UrlReference();
}
