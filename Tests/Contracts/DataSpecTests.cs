using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Contracts;

/// <summary>dataset.corruption, dataset kind cifar10 and model kind cifar-cnn as the loader binds them.</summary>
public sealed class DataSpecTests
{
    private const string Mnist = """
        name: data-spec
        replicates: 2
        train_size: 100
        dataset:
          kind: mnist
        model: {kind: mlp}
        training: {optimizer: gd, lr: 0.1, steps: 10}

        """;

    [Fact]
    public void Corruption_is_absent_by_default_and_motion_blur_defaults_to_radius_6_sigma_2()
    {
        var plain = SpecBuilder.Single(Mnist);
        var blurred = SpecBuilder.Single(Mnist.Replace("kind: mnist", "kind: mnist\n  corruption: {kind: motion-blur}"));

        Assert.Null(plain.Dataset.Corruption);
        Assert.Equal(new CorruptionSpec(CorruptionKind.MotionBlur, 6, 2.0), blurred.Dataset.Corruption);
    }

    [Fact]
    public void Corruption_fields_are_grid_axes()
    {
        var yaml = Mnist.Replace("kind: mnist", "kind: mnist\n  corruption: {kind: motion-blur, sigma: 1.5}") + """
            grid:
              dataset.corruption.radius: [0, 3, 6]
            """;

        var sweep = SpecBuilder.Parse(yaml);

        Assert.Equal([0, 3, 6], sweep.Points.Select(p => p.Spec.Dataset.Corruption!.Radius));
        Assert.All(sweep.Points, p => Assert.Equal(1.5, p.Spec.Dataset.Corruption!.Sigma));
    }

    [Fact]
    public void Cifar10_defaults_and_the_cifar_cnn()
    {
        var yaml = Mnist.Replace("kind: mnist", "kind: cifar10\n  path: /data/cifar10").Replace("{kind: mlp}", "{kind: cifar-cnn, frozen: [0, 1, 18]}");

        var spec = SpecBuilder.Single(yaml);

        Assert.Equal(DatasetKind.Cifar10, spec.Dataset.Kind);
        Assert.Equal(10_000, spec.Dataset.TestSize);
        Assert.Equal("/data/cifar10", spec.Dataset.Path);
        Assert.Equal(ModelKind.CifarCnn, spec.Model.Kind);
        Assert.Equal(16, spec.Model.P);
        Assert.Equal([0, 1, 18], spec.Model.Frozen);
    }

    [Fact]
    public void Mlp_takes_cifar10_images_and_a_train_size_of_the_whole_pool()
    {
        var yaml = Mnist.Replace("kind: mnist", "kind: cifar10").Replace("train_size: 100", "train_size: 50000");

        var spec = SpecBuilder.Single(yaml);

        Assert.Equal(50_000, spec.TrainSize);
        Assert.Equal(ModelKind.Mlp, spec.Model.Kind);
    }

    [Fact]
    public void The_mgs_six_by_300_mlp_example_of_the_spec_reference_binds()
    {
        var yaml = Mnist.Replace("kind: mnist", "kind: mnist\n  corruption: {kind: motion-blur, radius: 6, sigma: 2}\n  label_noise: {fraction: 0.5}")
            .Replace("{kind: mlp}", "{kind: mlp, hidden: [300, 300, 300, 300, 300, 300]}");

        var spec = SpecBuilder.Single(yaml);

        Assert.Equal(Enumerable.Repeat(300, 6), spec.Model.Hidden);
        Assert.NotNull(spec.Dataset.Corruption);
        Assert.Equal(0.5, spec.Dataset.LabelNoise!.Fraction);
    }
}
