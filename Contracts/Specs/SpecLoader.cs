using System.Text.RegularExpressions;
using OrleansSweeps.Contracts.Specs.Internal;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansSweeps.Contracts.Specs;

/// <summary>
/// Reads and validates a sweep spec (YAML). Every problem becomes a <see cref="SpecException"/> whose
/// one-line message names the file, the line and the field. Nothing is written anywhere.
/// </summary>
public static partial class SpecLoader
{
    /// <summary>Largest spec file accepted: a spec is a page of settings, not data.</summary>
    public const int MaxSpecBytes = 1 << 20;

    /// <summary>Most grid points × replicates one sweep may hold.</summary>
    public const int MaxRuns = 1_000_000;

    public static SweepSpec LoadFile(string path)
    {
        if (Directory.Exists(path)) throw new SpecException(path, 0, "", "is a directory; give the path of a spec file (YAML)");
        if (!File.Exists(path)) throw new SpecException(path, 0, "", "file not found");
        var length = new FileInfo(path).Length;
        if (length > MaxSpecBytes) throw new SpecException(path, 0, "", $"spec is {length} bytes; the limit is {MaxSpecBytes}");
        return Parse(File.ReadAllText(path), path);
    }

    public static SweepSpec Parse(string text, string file)
    {
        var root = ReadRoot(text, file);
        var baseContext = new SpecContext(file, new Dictionary<string, YamlNode>());
        SpecBinder.RejectUnknownFields(baseContext, root);
        var nameNode = new MappingReader(baseContext, root, "", root);
        var name = nameNode.String("name", null) ?? throw nameNode.Error("name", "is required");
        if (!NamePattern().IsMatch(name))
            throw nameNode.Error("name", $"'{name}' must be 1–64 characters of a-z, 0-9, '-', '.', starting with a letter or digit");

        var grid = ReadGrid(baseContext, root);
        // Bind the base spec with the first value of every axis so that fields the grid supplies may be absent.
        var first = grid.ToDictionary(a => a.Path, a => a.Nodes[0], StringComparer.Ordinal);
        var schemaContext = new SpecContext(file, first);
        SpecBinder.Bind(schemaContext, root);
        foreach (var axis in grid)
        {
            if (!schemaContext.KnownPaths.Contains(axis.Path) || axis.Path is "name" or "grid")
                throw baseContext.Error(axis.KeyNode, $"grid.{axis.Path}", "is not a spec field that a grid can vary (e.g. train_size, training.lr, dataset.noise, model.p)");
        }

        // Every point runs at least one replicate, so a grid of more points than MaxRuns fails before binding
        // any (capped product: many long axes must not overflow).
        var total = grid.Aggregate(1L, (n, a) => Math.Min(n * a.Nodes.Count, MaxRuns + 1L));
        if (total > MaxRuns) throw nameNode.Error("grid", $"the sweep would hold more than {MaxRuns} runs");
        var points = new List<SweepPoint>();
        var runs = 0L;
        for (var index = 0; index < total; index++)
        {
            var overrides = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            var parameters = new List<KeyValuePair<string, string>>();
            var rest = index;
            for (var a = grid.Count - 1; a >= 0; a--)
            {
                var pick = rest % grid[a].Nodes.Count;
                rest /= grid[a].Nodes.Count;
                overrides[grid[a].Path] = grid[a].Nodes[pick];
                parameters.Insert(0, new(grid[a].Path, grid[a].Values[pick]));
            }
            var spec = SpecBinder.Bind(new SpecContext(file, overrides), root);
            points.Add(new SweepPoint(index, parameters, spec));
            runs += spec.Replicates;
            if (runs > MaxRuns)
                throw nameNode.Error("grid", $"the sweep would hold more than {MaxRuns} runs");
        }
        var axes = grid.Select(a => new GridAxis(a.Path, a.Values, schemaContext.Kinds.GetValueOrDefault(a.Path, GridValueKind.Text))).ToArray();
        return new SweepSpec(name, file, text, axes, points);
    }

    private static YamlMappingNode ReadRoot(string text, string file)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            var message = (e.InnerException?.Message ?? e.Message).ReplaceLineEndings(" ");
            // YamlDotNet places a tab in an indentation at the start of the mapping it was scanning (often line 1).
            if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstTabIndentedLine(text) is { } tabbed)
                throw new SpecException(file, tabbed, "", "not valid YAML: a tab in the indentation (YAML indents with spaces only)");
            throw new SpecException(file, (int)e.Start.Line, "", $"not valid YAML: {StripMarks(message)}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, on some unclosed flow collections
            // ("a: {b: c" followed by more lines); the scanner's position is where it gave up.
            throw new SpecException(file, (int)scanner.CurrentPosition.Line, "", "not valid YAML: unexpected text here (is a '{' or '[' above left unclosed?)");
        }
        if (stream.Documents.Count == 0) throw new SpecException(file, 0, "", "the spec is empty");
        if (stream.Documents.Count > 1) throw new SpecException(file, (int)stream.Documents[1].RootNode.Start.Line, "", "holds more than one YAML document");
        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new SpecException(file, (int)stream.Documents[0].RootNode.Start.Line, "", "the spec must be a mapping of fields (name, dataset, model, training, …)");
    }

    /// <summary>The 1-based number of the first line whose leading whitespace holds a tab, or null.</summary>
    private static int? FirstTabIndentedLine(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            if (lines[i].AsSpan(0, indent).Contains('\t')) return i + 1;
        }
        return null;
    }

    private sealed record Axis(string Path, YamlNode KeyNode, IReadOnlyList<YamlNode> Nodes, IReadOnlyList<string> Values);

    private static List<Axis> ReadGrid(SpecContext context, YamlMappingNode root)
    {
        var axes = new List<Axis>();
        if (!root.Children.TryGetValue(new YamlScalarNode("grid"), out var gridNode)) return axes;
        if (gridNode is YamlScalarNode { Value: null or "" }) return axes;
        if (gridNode is not YamlMappingNode grid)
            throw context.Error(gridNode, "grid", "must map field paths to lists of values, e.g. training.lr: [0.01, 0.1]");
        foreach (var (keyNode, valuesNode) in grid.Children)
        {
            var path = keyNode is YamlScalarNode scalar ? scalar.Value ?? "" : Show(keyNode);
            if (valuesNode is not YamlSequenceNode values || values.Children.Count == 0)
                throw context.Error(valuesNode, $"grid.{path}", "must be a non-empty list of values");
            var shown = values.Children.Select(Show).ToArray();
            var repeat = Array.FindIndex(shown, v => Array.IndexOf(shown, v) < Array.LastIndexOf(shown, v));
            if (repeat >= 0)
            {
                var second = Array.IndexOf(shown, shown[repeat], repeat + 1);
                throw context.Error(values.Children[second], $"grid.{path}", $"lists the value {shown[repeat]} twice");
            }
            axes.Add(new Axis(path, keyNode, values.Children.ToArray(), shown));
        }
        return axes;
    }

    private static string Show(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode seq => "[" + string.Join(", ", seq.Children.Select(Show)) + "]",
        YamlMappingNode map => "{" + string.Join(", ", map.Children.Select(c => Show(c.Key) + ": " + Show(c.Value))) + "}",
        _ => "?",
    };

    private static string StripMarks(string message) => MarkPattern().Replace(message, "").Trim();

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarkPattern();
}
