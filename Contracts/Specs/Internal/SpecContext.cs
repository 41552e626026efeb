using YamlDotNet.RepresentationModel;

namespace OrleansSweeps.Contracts.Specs.Internal;

/// <summary>
/// Shared state of one binding pass: the file name for errors, grid overrides (path → value node),
/// and the set of field paths the binder asked for (the schema, used to check grid keys).
/// </summary>
internal sealed class SpecContext(string file, IReadOnlyDictionary<string, YamlNode> overrides)
{
    public string File { get; } = file;

    public HashSet<string> KnownPaths { get; } = new(StringComparer.Ordinal);

    /// <summary>The type each typed field path was read as (a path read only as text is absent).</summary>
    public Dictionary<string, GridValueKind> Kinds { get; } = new(StringComparer.Ordinal);

    public YamlNode? Override(string path) => overrides.TryGetValue(path, out var node) ? node : null;

    public SpecException Error(YamlNode? node, string field, string problem) =>
        new(File, node is null ? 0 : (int)node.Start.Line, field, problem);
}
