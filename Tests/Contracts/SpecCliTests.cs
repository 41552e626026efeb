using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Contracts;

/// <summary>
/// The console on malformed specs: exit code 2, one line on stderr naming path, line and field, no
/// results on stdout, and nothing written under the home directory.
/// </summary>
public sealed class SpecCliTests
{
    private const int BadInput = 2;

    public static TheoryData<string> CliCases => MalformedSpecs.Names(new[]
    {
        "yaml-syntax", "yaml-tab-indent", "empty-file", "top-level-list", "missing-name", "typo-top-level-key", "typo-nested-key",
        "newline-in-value", "invalid-device", "lr-negative", "steps-not-integer", "mnist-train-size-above-pool",
        "label-noise-on-toy-product", "momentum-with-adam", "frozen-every-layer", "record-step-beyond-training",
        "grid-key-not-a-field", "grid-duplicate-values", "grid-value-invalid",
    }.Select(MalformedSpecs.Get));

    [Theory]
    [MemberData(nameof(CliCases))]
    public void Run_and_validate_reject_a_malformed_spec_with_one_line_and_write_nothing(string name)
    {
        var spec = MalformedSpecs.Get(name);
        using var dir = new TempDirectory();
        var specPath = dir.Combine("bad.yaml");
        File.WriteAllText(specPath, spec.Yaml);
        var home = dir.Combine("home");

        var run = Cli.Run(dir.Path, "run", specPath, "--home", home);
        var validate = Cli.Run(dir.Path, "validate", specPath);

        AssertRejected(run, spec.Where(specPath));
        AssertRejected(validate, spec.Where(specPath));
        Assert.True(!Directory.Exists(home) || !Directory.EnumerateFileSystemEntries(home).Any(), $"run wrote under {home}");
        Assert.Equal(["bad.yaml"], dir.Files());
    }

    [Fact]
    public void A_missing_spec_file_is_one_line_naming_the_path()
    {
        using var dir = new TempDirectory();
        var specPath = dir.Combine("missing.yaml");
        var home = dir.Combine("home");

        var run = Cli.Run(dir.Path, "run", specPath, "--home", home);
        var validate = Cli.Run(dir.Path, "validate", specPath);

        AssertRejected(run, specPath + ": ");
        AssertRejected(validate, specPath + ": ");
        Assert.False(Directory.Exists(home), $"run created {home}");
    }

    [Fact]
    public void A_spec_path_that_is_a_directory_says_so()
    {
        using var dir = new TempDirectory();
        var home = dir.Combine("home");
        Directory.CreateDirectory(dir.Combine("specs"));

        var run = Cli.Run(dir.Path, "run", dir.Combine("specs"), "--home", home);
        var validate = Cli.Run(dir.Path, "validate", dir.Combine("specs"));

        AssertRejected(run, dir.Combine("specs") + ": is a directory");
        AssertRejected(validate, dir.Combine("specs") + ": is a directory");
        Assert.False(Directory.Exists(home), $"run created {home}");
    }

    [Fact]
    public void Validate_reports_the_toy_example_grid()
    {
        var result = Cli.Run(RepoPaths.Root, "validate", Path.Combine("examples", "gsnr-osgr-toy.yaml"));

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("", result.Stderr);
        Assert.Contains("sweep 'gsnr-osgr-toy', 280 points, 28000 runs", result.Stdout);
        Assert.Contains("grid model.hidden: [6], [8], [10], [12], [14], [16], [18], [20]", result.Stdout);
    }

    private static void AssertRejected(Cli.Result result, string where)
    {
        Assert.True(result.ExitCode == BadInput, $"exit code {result.ExitCode}; stderr: {result.Stderr}");
        Assert.Equal("", result.Stdout);
        Assert.EndsWith("\n", result.Stderr);
        var line = result.Stderr[..^1];
        Assert.False(line.Contains('\n') || line.Contains('\r'), $"stderr is not one line: {result.Stderr}");
        Assert.StartsWith("error: " + where, line);
        Assert.True(line.Length > ("error: " + where).Length, $"no problem described: {line}");
    }
}
