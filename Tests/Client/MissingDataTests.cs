using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// A spec whose data files are not where it says: <c>validate</c> finds it, <c>run</c> refuses it before registering
/// anything, and the home stays usable for other sweeps (a new user's wrong <c>dataset.path</c> used to register a sweep
/// whose every run failed, and leave it active).
/// </summary>
public sealed class MissingDataTests
{
    private static string MnistSpec(string path) => $$"""
        name: wrong-path
        seed: 1
        replicates: 2
        train_size: 100
        dataset: {kind: mnist, test_size: 100, path: {{path}}}
        model: {kind: gsnr-cnn, p: 2}
        training: {optimizer: gd, lr: 0.01, steps: 2}
        record: {steps: [0, 1]}
        """;

    [Fact]
    public void Validate_and_run_name_the_missing_file_and_the_home_stays_usable()
    {
        using var dir = new TempDirectory();
        var missing = dir.Combine("no-mnist-here");
        var spec = dir.Combine("wrong.yaml");
        File.WriteAllText(spec, MnistSpec(missing));
        var home = dir.Combine("h");
        var expected = $"error: {spec}: {Path.Combine(missing, "train-images-idx3-ubyte")}: MNIST file not found (check dataset.path)";

        var validate = Cli.Run(dir.Path, "validate", spec);
        Assert.Equal(1, validate.ExitCode);
        Assert.Equal(expected, validate.Stderr.Trim());
        Assert.Equal("", validate.Stdout);

        var run = Cli.Run(dir.Path, "run", spec, "--home", home);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(expected, run.Stderr.Trim());
        Assert.False(Directory.Exists(home), "a refused run writes nothing");

        var good = dir.Combine("toy.yaml");
        File.WriteAllText(good, SpecBuilder.ToyYaml);
        var toy = Cli.Run(dir.Path, "run", good, "--home", home, "--id", "toy");
        Assert.True(toy.ExitCode == 0, toy.Stderr);
        var status = Cli.Run(dir.Path, "status", "--home", home);
        Assert.DoesNotContain("wrong-path", status.Stdout);
    }

    [Fact]
    public void An_empty_data_file_is_named_too()
    {
        using var dir = new TempDirectory();
        var data = Directory.CreateDirectory(dir.Combine("mnist")).FullName;
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.WriteAllBytes(Path.Combine(data, name), name.StartsWith("t10k-labels", StringComparison.Ordinal) ? [] : [1]);
        var spec = dir.Combine("empty.yaml");
        File.WriteAllText(spec, MnistSpec(data));

        var validate = Cli.Run(dir.Path, "validate", spec);

        Assert.Equal(1, validate.ExitCode);
        Assert.Equal($"error: {spec}: {Path.Combine(data, "t10k-labels-idx1-ubyte")}: empty MNIST file", validate.Stderr.Trim());
    }
}
