using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Data;

/// <summary>Data plans of the file-backed image pools: CIFAR-10 from generated files, and blurred MNIST.</summary>
public sealed class ImagePoolPlanTests
{
    private static string CifarYaml(string directory, string extra = "") => $$"""
        name: cifar-plan
        seed: 4
        replicates: 2
        train_size: 50
        dataset: {kind: cifar10, test_size: 60, path: "{{directory}}"{{extra}}}
        model: {kind: cifar-cnn, p: 2}
        training: {optimizer: gd, lr: 0.1, steps: 1}
        """;

    private const string MnistYaml = """
        name: blur-plan
        seed: 3
        replicates: 2
        train_size: 300
        dataset:
          kind: mnist
          test_size: 200
          corruption: {kind: motion-blur, radius: 6, sigma: 2}
        model: {kind: mlp}
        training: {optimizer: gd, lr: 0.1, steps: 1}
        """;

    [Fact]
    public void Cifar10_plan_draws_stratified_training_sets_and_a_test_set_of_the_right_shapes()
    {
        using var dir = new TempDirectory();
        CifarFiles.Write(dir.Path, perBatch: 40, testCount: 100);
        var spec = SpecBuilder.Single(CifarYaml(dir.Path));

        var plan = DataPlan.For(spec);
        var first = plan.TrainingSet(0);
        var second = plan.TrainingSet(1);

        Assert.Equal(60, plan.Test.Count);
        Assert.Equal(50, first.Count);
        foreach (var set in new[] { plan.Test, first, second })
        {
            Assert.Equal([3, 32, 32], set.ExampleShape);
            Assert.Equal(3072, set.ExampleSize);
            Assert.Equal(10, set.Classes);
            Assert.Equal(10, set.Outputs);
        }
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(5, first.Labels!.Count(l => l == c)));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6, plan.Test.Labels!.Count(l => l == c)));
        Assert.NotEqual(first.Inputs, second.Inputs);
        Assert.Equal(first.Inputs, DataPlan.For(spec).TrainingSet(0).Inputs);
        // Replicate 1's set is the pool at the indices of stream train/1.
        var pool = Cifar10Files.LoadTrain(dir.Path);
        var expected = pool.Select(StratifiedSampler.Sample(pool.Labels!, 10, 50, SeedScheme.Derive(4, "train", 1)));
        Assert.Equal(expected.Inputs, second.Inputs);
        Assert.Equal(expected.Labels, second.Labels);
    }

    [Fact]
    public void Cifar10_plan_takes_the_whole_test_batch_when_test_size_reaches_it_and_applies_label_noise()
    {
        using var dir = new TempDirectory();
        CifarFiles.Write(dir.Path, perBatch: 40, testCount: 100);
        var spec = SpecBuilder.Single(CifarYaml(dir.Path, ", label_noise: {mode: random, fraction: 0.4}").Replace("test_size: 60", "test_size: 10000"));

        var plan = DataPlan.For(spec);

        Assert.Equal(Cifar10Files.LoadTest(dir.Path).Inputs, plan.Test.Inputs);
        Assert.Equal(20, plan.TrainingSet(0).Corrupt.Count(c => c));
    }

    [Fact]
    public void A_training_set_larger_than_the_files_hold_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        CifarFiles.Write(dir.Path, perBatch: 4, testCount: 10);
        var plan = DataPlan.For(SpecBuilder.Single(CifarYaml(dir.Path)));

        var error = Assert.Throws<InvalidDataException>(() => plan.TrainingSet(0));

        Assert.Contains("train_size 50 exceeds the 20 training images", error.Message);
    }

    [Fact]
    public void Blurred_mnist_plan_blurs_training_and_test_images_keeping_their_mass()
    {
        RealMnist.File(MnistFiles.TrainImages);
        var blurred = DataPlan.For(SpecBuilder.Single(MnistYaml));
        var clean = DataPlan.For(SpecBuilder.Single(MnistYaml.Replace("  corruption: {kind: motion-blur, radius: 6, sigma: 2}\n", "")));
        var identity = DataPlan.For(SpecBuilder.Single(MnistYaml.Replace("radius: 6", "radius: 0")));

        foreach (var (b, c) in new[] { (blurred.Test, clean.Test), (blurred.TrainingSet(1), clean.TrainingSet(1)) })
        {
            Assert.Equal(c.Labels, b.Labels);
            for (var n = 0; n < c.Count; n++)
            {
                var before = c.Inputs.AsSpan(n * 784, 784).ToArray().Sum(v => (double)v);
                var after = b.Inputs.AsSpan(n * 784, 784).ToArray().Sum(v => (double)v);
                NumericAssert.Close(before, after, 1e-5, 0, $"mass of image {n}");
            }
            // Blur spreads ink along a streak of up to 7 pixels: far more pixels are lit.
            Assert.True(b.Inputs.Count(v => v > 0) > 1.5 * c.Inputs.Count(v => v > 0), "blurred images light more pixels");
        }
        Assert.Equal(clean.Test.Inputs, identity.Test.Inputs);
        Assert.Equal(clean.TrainingSet(0).Inputs, identity.TrainingSet(0).Inputs);
        Assert.Equal(blurred.TrainingSet(0).Inputs, DataPlan.For(SpecBuilder.Single(MnistYaml)).TrainingSet(0).Inputs);
    }
}
