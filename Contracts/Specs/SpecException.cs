namespace OrleansSweeps.Contracts.Specs;

/// <summary>
/// A sweep spec that cannot be used. The message is one line: <c>file:line: field: what is wrong</c>,
/// so a researcher can jump to the offending line.
/// </summary>
public sealed class SpecException : Exception
{
    public SpecException(string file, int line, string field, string problem)
        : base(Format(file, line, OneLine(field), OneLine(problem)))
    {
        File = file;
        Line = line;
        Field = OneLine(field);
        Problem = OneLine(problem);
    }

    /// <summary>The spec file's path as given.</summary>
    public string File { get; }

    /// <summary>1-based line of the offending node (0 when the file itself is the problem).</summary>
    public int Line { get; }

    /// <summary>Dotted path of the offending field, e.g. <c>training.lr</c>; empty for the whole file.</summary>
    public string Field { get; }

    public string Problem { get; }

    /// <summary>Values quoted from the spec may hold line breaks (<c>"cu\nda"</c>); they are shown escaped.</summary>
    private static string OneLine(string text) => text.ReplaceLineEndings("\\n");

    private static string Format(string file, int line, string field, string problem)
    {
        var where = line > 0 ? $"{file}:{line}" : file;
        return string.IsNullOrEmpty(field) ? $"{where}: {problem}" : $"{where}: {field}: {problem}";
    }
}
