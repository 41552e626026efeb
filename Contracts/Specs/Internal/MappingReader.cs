using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace OrleansSweeps.Contracts.Specs.Internal;

/// <summary>
/// Reads typed fields from one YAML mapping, checking types and ranges, applying grid overrides, and
/// remembering which keys it consumed so unknown keys (typos) are reported rather than ignored.
/// </summary>
internal sealed class MappingReader
{
    private readonly SpecContext _context;
    private readonly YamlMappingNode? _node;
    private readonly string _prefix;
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);

    public MappingReader(SpecContext context, YamlNode? node, string prefix, YamlNode? owner)
    {
        _context = context;
        _prefix = prefix;
        if (node is null || IsNull(node))
        {
            _node = null;
            Owner = owner;
        }
        else
        {
            _node = node as YamlMappingNode ?? throw context.Error(node, prefix, "must be a mapping of fields");
            Owner = owner ?? node;
        }
    }

    /// <summary>The node errors about this mapping point at (its key, or its parent when absent).</summary>
    public YamlNode? Owner { get; }

    public string PathOf(string key) => _prefix.Length == 0 ? key : $"{_prefix}.{key}";

    public bool Has(string key) => Get(key) is not null;

    public YamlNode? Get(string key)
    {
        var path = PathOf(key);
        _context.KnownPaths.Add(path);
        _consumed.Add(key);
        var value = _context.Override(path);
        if (value is not null) return value;
        if (_node is null) return null;
        return _node.Children.TryGetValue(new YamlScalarNode(key), out var child) && !IsNull(child) ? child : null;
    }

    public MappingReader Mapping(string key) => new(_context, Get(key), PathOf(key), Locate(key) ?? Owner);

    public SpecException Error(string key, string problem) => _context.Error(Locate(key) ?? Owner, PathOf(key), problem);

    /// <summary>
    /// Where an error about <paramref name="key"/> points: the grid value that supplies it, else the key
    /// itself (a block mapping or list starts on the line below its key), else null when absent.
    /// </summary>
    private YamlNode? Locate(string key)
    {
        var value = _context.Override(PathOf(key));
        if (value is not null) return value;
        return _node?.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: var v } && v == key);
    }

    public string? String(string key, string? fallback)
    {
        var node = Get(key);
        if (node is null) return fallback;
        return node is YamlScalarNode scalar ? scalar.Value : throw Error(key, "must be a single value");
    }

    public T Enum<T>(string key, T? fallback) where T : struct, System.Enum
    {
        var text = String(key, null);
        if (text is null)
        {
            return fallback ?? throw Error(key, $"is required (one of: {SpecNames.Choices<T>()})");
        }
        return SpecNames.TryParse<T>(text, out var value)
            ? value
            : throw Error(key, $"unknown value '{text}' (expected one of: {SpecNames.Choices<T>()})");
    }

    public long Integer(string key, long? fallback, long min, long max)
    {
        _context.Kinds[PathOf(key)] = GridValueKind.Integer;
        var text = String(key, null);
        if (text is null) return fallback ?? throw Error(key, "is required");
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw Error(key, $"must be an integer (got '{text}')");
        if (value < min || value > max) throw Error(key, $"must lie in [{min}, {max}] (got {value})");
        return value;
    }

    public int Int(string key, int? fallback, int min, int max = int.MaxValue) =>
        (int)Integer(key, fallback, min, max);

    public double Double(string key, double? fallback, double min, double max, bool minExclusive = false)
    {
        _context.Kinds[PathOf(key)] = GridValueKind.Number;
        var text = String(key, null);
        if (text is null) return fallback ?? throw Error(key, "is required");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw Error(key, $"must be a finite number (got '{text}')");
        var tooLow = minExclusive ? value <= min : value < min;
        if (tooLow || value > max)
        {
            var open = minExclusive ? "(" : "[";
            throw Error(key, $"must lie in {open}{Show(min)}, {Show(max)}] (got {Show(value)})");
        }
        return value;
    }

    public bool Bool(string key, bool fallback)
    {
        _context.Kinds[PathOf(key)] = GridValueKind.Boolean;
        var text = String(key, null);
        if (text is null) return fallback;
        return text switch
        {
            "true" => true,
            "false" => false,
            _ => throw Error(key, $"must be true or false (got '{text}')"),
        };
    }

    public IReadOnlyList<int>? IntList(string key, int min, int max)
    {
        _context.Kinds[PathOf(key)] = GridValueKind.IntegerList;
        var node = Get(key);
        if (node is null) return null;
        if (node is not YamlSequenceNode sequence) throw Error(key, "must be a list of integers, e.g. [10, 20]");
        var values = new List<int>();
        foreach (var item in sequence.Children)
        {
            var text = (item as YamlScalarNode)?.Value;
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                throw _context.Error(item, PathOf(key), $"must be a list of integers (got '{text ?? "a nested value"}')");
            if (value < min || value > max)
                throw _context.Error(item, PathOf(key), $"values must lie in [{min}, {max}] (got {value})");
            values.Add(value);
        }
        return values;
    }

    /// <summary>Rejects keys this reader never asked for: a typo must not silently fall back to a default.</summary>
    public void RejectUnknownKeys()
    {
        if (_node is null) return;
        foreach (var (keyNode, _) in _node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!_consumed.Contains(key))
            {
                var known = string.Join(", ", _consumed.Order(StringComparer.Ordinal));
                throw _context.Error(keyNode, PathOf(key), $"unknown field (known here: {known})");
            }
        }
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Value: null or "" or "~" or "null" } s && s.Style == YamlDotNet.Core.ScalarStyle.Plain;

    private static string Show(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
