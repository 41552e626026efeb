using System.Text.RegularExpressions;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>Reads the aligned tables of <c>sweeps status</c> back into cells (columns are separated by two spaces or more).</summary>
public static partial class StatusOutput
{
    public static string[] Cells(string line) => Gap().Split(line.Trim());

    /// <summary>The rows of the output whose first cell is <paramref name="first"/>.</summary>
    public static string[][] Rows(string stdout, string first) =>
        stdout.Split('\n').Where(l => l.Trim().Length > 0).Select(Cells).Where(c => c[0] == first).ToArray();

    /// <summary>The one row whose first cell is <paramref name="first"/>.</summary>
    public static string[] Row(string stdout, string first) => Assert.Single(Rows(stdout, first));

    [GeneratedRegex(" {2,}")]
    private static partial Regex Gap();
}
