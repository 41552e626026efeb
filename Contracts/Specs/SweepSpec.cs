namespace OrleansSweeps.Contracts.Specs;

/// <summary>A validated sweep: its name, the grid, and every point fully resolved. <c>Text</c> is the spec file as read (stored beside the results).</summary>
public sealed record SweepSpec(string Name, string SourcePath, string Text, IReadOnlyList<GridAxis> Grid, IReadOnlyList<SweepPoint> Points)
{
    public int RunCount => Points.Sum(p => p.Spec.Replicates);
}

/// <summary>One grid key (a dotted field path) and its values as written.</summary>
public sealed record GridAxis(string Path, IReadOnlyList<string> Values);

/// <summary>
/// One grid combination. Points are numbered in row-major order over the axes as written (the last
/// axis varies fastest).
/// </summary>
public sealed record SweepPoint(int Index, IReadOnlyList<KeyValuePair<string, string>> Parameters, RunSpec Spec)
{
    /// <summary>Stable folder name, e.g. <c>p0007</c>.</summary>
    public string Id => $"p{Index:D4}";
}
