using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

public sealed class SmokeExampleTests
{
    [Fact]
    public void Toy_smoke_example_runs_and_prints_summary()
    {
        using var home = new TempDirectory();
        var result = Cli.Run(RepoPaths.Root, "run", Path.Combine(RepoPaths.Examples, "gsnr-osgr-toy.smoke.yaml"), "--home", home.Path, "--id", "smoke");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("sweep smoke: 120 runs complete", result.Stdout);
        var curves = home.Files().Where(f => f.EndsWith("curves.csv", StringComparison.Ordinal)).ToArray();
        Assert.Equal(120, curves.Length);
    }
}
