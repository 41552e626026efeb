using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// What the parser refuses is bad input like any other: one line naming the option and what it accepts, exit 2, no .NET
/// type names and no help text after it (the README's exit codes).
/// </summary>
public sealed class ParseErrorTests
{
    [Theory]
    [InlineData(new[] { "run", "spec.yaml", "--slots", "abc" }, "error: --slots 'abc': expected a whole number (`sweeps run --help` lists what it takes)")]
    [InlineData(new[] { "results", "s", "--format", "xml" }, "error: --format 'xml': expected one of table, csv, json (`sweeps results --help` lists what it takes)")]
    [InlineData(new[] { "run", "spec.yaml", "--checkpoint-interval", "soon" }, "error: --checkpoint-interval 'soon': expected a number (`sweeps run --help` lists what it takes)")]
    public void A_value_of_the_wrong_kind_is_one_line_naming_the_option_and_what_it_accepts(string[] args, string expected)
    {
        using var dir = new TempDirectory();
        var result = Cli.Run(dir.Path, args);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expected, result.Stderr.Trim());
        Assert.Equal("", result.Stdout.Trim());
    }

    [Theory]
    [InlineData("frob")]
    [InlineData("run", "spec.yaml", "--colour")]
    public void An_unknown_verb_or_option_is_one_line_naming_it(params string[] args)
    {
        using var dir = new TempDirectory();
        var result = Cli.Run(dir.Path, args);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains($"'{args[^1]}'", line);
        Assert.DoesNotContain("System.", line);
        Assert.Equal("", result.Stdout.Trim());
    }

    [Fact]
    public void An_unknown_sweep_id_is_one_line_and_bad_input()
    {
        using var dir = new TempDirectory();
        var spec = Path.Combine(dir.Path, "toy.yaml");
        File.WriteAllText(spec, SpecBuilder.ToyYaml);
        var home = dir.Combine("h");
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "s").ExitCode);

        foreach (var verb in new[] { "status", "results", "cancel", "resume" })
        {
            var result = Cli.Run(dir.Path, verb, "nope", "--home", home);
            Assert.True(result.ExitCode == 2, $"{verb}: exit {result.ExitCode}, {result.Stderr}");
            var line = Assert.Single(result.Stderr.Trim().Split('\n'));
            Assert.StartsWith("error: unknown sweep 'nope'", line);
        }
    }

    [Fact]
    public void The_root_help_shows_an_optional_argument_as_optional_and_a_bare_sweeps_is_bad_input()
    {
        using var dir = new TempDirectory();
        var help = Cli.Run(dir.Path, "--help");
        var bare = Cli.Run(dir.Path);

        Assert.Equal(0, help.ExitCode);
        Assert.Matches(@"(?m)^\s+status \[<sweep>\]\s+Show the progress", help.Stdout);
        Assert.Matches(@"(?m)^\s+cancel <sweep>\s+Cancel a sweep", help.Stdout);
        Assert.Equal(2, bare.ExitCode);
        Assert.Equal(help.Stdout, bare.Stdout);
    }
}
