using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// YAML read into plain trees (maps with string keys, lists, scalars as strings) and small helpers to walk them:
/// enough to check Kubernetes manifests, kustomizations and config files without a schema.
/// </summary>
public static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    /// <summary>Every document of a (multi-document) YAML text; empty documents are skipped.</summary>
    public static IReadOnlyList<Dictionary<string, object?>> Documents(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<string, object?>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var value = Normalise(Deserializer.Deserialize(parser));
            if (value is null) continue;
            documents.Add(value as Dictionary<string, object?>
                ?? throw new InvalidDataException($"{source}: a document is not a mapping"));
        }
        return documents;
    }

    public static IReadOnlyList<Dictionary<string, object?>> File(string path) => Documents(System.IO.File.ReadAllText(path), path);

    /// <summary>The value at a dotted path of map keys (no list indexing); null when any step is missing.</summary>
    public static object? At(object? node, string path)
    {
        foreach (var key in path.Split('.'))
        {
            if (node is not Dictionary<string, object?> map || !map.TryGetValue(key, out node)) return null;
        }
        return node;
    }

    /// <summary>The value under a sequence of map keys, for keys that contain dots (<c>nvidia.com/gpu</c>).</summary>
    public static string? Keys(object? node, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (node is not Dictionary<string, object?> map || !map.TryGetValue(key, out node)) return null;
        }
        return node as string;
    }

    public static Dictionary<string, object?>? Map(object? node, string path) => At(node, path) as Dictionary<string, object?>;

    public static IReadOnlyList<object?> List(object? node, string path) => At(node, path) as List<object?> ?? [];

    public static IEnumerable<Dictionary<string, object?>> Maps(object? node, string path) => List(node, path).OfType<Dictionary<string, object?>>();

    public static string? Str(object? node, string path) => At(node, path) as string;

    public static string Name(Dictionary<string, object?> resource) => $"{Str(resource, "kind")}/{Str(resource, "metadata.name")}";

    private static object? Normalise(object? value) => value switch
    {
        Dictionary<object, object?> map => map.ToDictionary(e => e.Key.ToString()!, e => Normalise(e.Value), StringComparer.Ordinal),
        List<object?> list => list.Select(Normalise).ToList(),
        _ => value?.ToString(),
    };
}
