namespace OrleansSweeps.Client.Display;

/// <summary>
/// A plain-text table for the terminal and for logs: columns padded to their widest cell and separated by two spaces
/// (cells hold at most single spaces, so <c>"  "</c> splits a line back into its cells), the last column unpadded.
/// </summary>
internal static class TextTable
{
    public const string Gap = "  ";

    public static IEnumerable<string> Lines(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
            yield return string.Join(Gap, row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd();
    }
}
