using System.Globalization;
using System.Text.RegularExpressions;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

public sealed class SmokeExampleTests
{
    [Fact]
    public void Toy_smoke_example_runs_and_prints_summary()
    {
        using var home = new TempDirectory();
        // Piped, as a log gets it, from a shell whose terminal has 80 columns.
        var result = Cli.Run(RepoPaths.Root, new Dictionary<string, string> { ["COLUMNS"] = "80" },
            "run", Path.Combine(RepoPaths.Examples, "gsnr-osgr-toy.smoke.yaml"), "--home", home.Path, "--id", "smoke");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("sweep smoke: 120 runs complete", result.Stdout);
        Assert.Contains("`sweeps results smoke` shows OSGR per recorded step", result.Stdout); // gradient descent: OSGR recorded
        // The summary fits 80 columns, each point's row whole: point, 2 grid values, runs, 2 losses, OSGR lhs and rhs.
        var table = result.Stdout.Split('\n').TakeWhile(l => !l.StartsWith("sweep smoke:", StringComparison.Ordinal)).ToArray();
        Assert.All(table, line => Assert.True(line.TrimEnd().Length <= 80, $"{line.TrimEnd().Length} columns: '{line}'"));
        var rows = table.Where(l => Regex.IsMatch(l, @"^\s*p000\d ")).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.Equal(6, rows.Length);
        Assert.All(rows, cells => Assert.Equal(8, cells.Length));
        Assert.All(rows, cells => Assert.All(cells.Skip(1), c => Assert.True(double.TryParse(c, CultureInfo.InvariantCulture, out _), $"'{c}' in {string.Join(' ', cells)}")));
        var curves = home.Files().Where(f => f.EndsWith("curves.csv", StringComparison.Ordinal)).ToArray();
        Assert.Equal(120, curves.Length);
    }
}
