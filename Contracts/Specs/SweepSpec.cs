namespace OrleansSweeps.Contracts.Specs;

/// <summary>A validated sweep: its name, the grid, and every point fully resolved. <c>Text</c> is the spec file as read (stored beside the results).</summary>
public sealed record SweepSpec(string Name, string SourcePath, string Text, IReadOnlyList<GridAxis> Grid, IReadOnlyList<SweepPoint> Points)
{
    public int RunCount => Points.Sum(p => p.Spec.Replicates);
}

/// <summary>One grid key (a dotted field path), its values as written, and the type of the field they set.</summary>
public sealed record GridAxis(string Path, IReadOnlyList<string> Values, GridValueKind Kind = GridValueKind.Text);

/// <summary>
/// What the field a grid axis sets holds, as the spec binder reads it: so that output formats with types (JSON)
/// can give its values as numbers, booleans or lists, not as the text they were written as.
/// </summary>
public enum GridValueKind
{
    /// <summary>A name, a choice (optimizer, activation, …), a path or a mapping: text.</summary>
    Text,

    Integer,

    Number,

    Boolean,

    /// <summary>A list of integers, e.g. <c>model.hidden: [[10], [20, 20]]</c>.</summary>
    IntegerList,
}

/// <summary>
/// One grid combination. Points are numbered in row-major order over the axes as written (the last
/// axis varies fastest).
/// </summary>
public sealed record SweepPoint(int Index, IReadOnlyList<KeyValuePair<string, string>> Parameters, RunSpec Spec)
{
    /// <summary>Stable folder name, e.g. <c>p0007</c>.</summary>
    public string Id => $"p{Index:D4}";
}
