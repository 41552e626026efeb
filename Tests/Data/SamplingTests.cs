using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Data;

/// <summary>Stratified sampling, the data plan of a sweep point, and the synthetic data sets.</summary>
public sealed class SamplingTests
{
    private const string MnistYaml = """
        name: mnist-plan
        seed: 3
        replicates: 2
        train_size: 1000
        dataset: {kind: mnist, test_size: 500}
        model: {kind: mlp}
        training: {optimizer: gd, lr: 0.1, steps: 1}
        """;

    [Theory]
    [InlineData(new[] { 5, 3, 2 }, 5, new[] { 3, 1, 1 })]       // remainders .5 .5 0: tie to the smaller class
    [InlineData(new[] { 3, 3, 3, 1 }, 5, new[] { 2, 2, 1, 0 })] // four equal remainders, two slots
    [InlineData(new[] { 2, 7 }, 3, new[] { 1, 2 })]             // .667 beats .333
    [InlineData(new[] { 1, 1, 1 }, 2, new[] { 1, 1, 0 })]
    [InlineData(new[] { 6, 3, 1 }, 10, new[] { 6, 3, 1 })]
    [InlineData(new[] { 4, 0, 4 }, 3, new[] { 2, 0, 1 })]
    [InlineData(new[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, 1000,
        new[] { 99, 112, 99, 102, 97, 90, 99, 105, 98, 99 })]
    public void Quotas_use_largest_remainders(int[] sizes, int count, int[] expected)
    {
        var quotas = StratifiedSampler.Quotas(sizes, count);

        Assert.Equal(expected, quotas);
        Assert.Equal(count, quotas.Sum());
    }

    [Fact]
    public void Sample_draws_distinct_indices_with_the_quota_of_each_class()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => (long)Math.Sqrt(i % 100)).ToArray();
        var sizes = Enumerable.Range(0, 10).Select(c => labels.Count(l => l == c)).ToArray();

        var sample = StratifiedSampler.Sample(labels, 10, 137, 99);

        Assert.Equal(137, sample.Length);
        Assert.Equal(137, sample.Distinct().Count());
        Assert.Equal(sample.Order(), sample);
        Assert.All(sample, i => Assert.InRange(i, 0, labels.Length - 1));
        var perClass = Enumerable.Range(0, 10).Select(c => sample.Count(i => labels[i] == c)).ToArray();
        Assert.Equal(StratifiedSampler.Quotas(sizes, 137), perClass);
        Assert.Equal(sample, StratifiedSampler.Sample(labels, 10, 137, 99));
        Assert.NotEqual(sample, StratifiedSampler.Sample(labels, 10, 137, 100));
    }

    [Fact]
    public void Sample_picks_every_member_of_a_class_equally_often()
    {
        // 20 examples of one class, 5 drawn, 4000 seeds: each index expected 1000 times (sd ≈ 27).
        var labels = new long[20];
        var hits = new int[20];
        for (var seed = 0UL; seed < 4000; seed++)
        {
            foreach (var i in StratifiedSampler.Sample(labels, 1, 5, seed)) hits[i]++;
        }
        Assert.All(hits, h => Assert.InRange(h, 880, 1120));
    }

    [Fact]
    public void Sample_of_the_whole_pool_is_every_index_and_more_is_refused()
    {
        long[] labels = [1, 0, 1, 1, 0];

        Assert.Equal([0, 1, 2, 3, 4], StratifiedSampler.Sample(labels, 2, 5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedSampler.Sample(labels, 2, 6, 1));
    }

    [Fact]
    public void Mnist_plan_draws_stratified_reproducible_training_sets_per_replicate()
    {
        var spec = SpecBuilder.Single(MnistYaml);
        RealMnist.File(MnistFiles.TrainImages);
        var plan = DataPlan.For(spec);

        var first = plan.TrainingSet(0);
        var again = DataPlan.For(spec).TrainingSet(0);
        var second = plan.TrainingSet(1);

        Assert.Equal(1000, first.Count);
        Assert.Equal([99, 112, 99, 102, 97, 90, 99, 105, 98, 99], Enumerable.Range(0, 10).Select(c => first.Labels!.Count(l => l == c)));
        Assert.Equal(first.Inputs, again.Inputs);
        Assert.Equal(first.Labels, again.Labels);
        Assert.NotEqual(first.Inputs, second.Inputs);
        // Replicate m's set is the pool at the indices of stream train/m (SeedScheme).
        var pool = RealMnist.Train;
        var expected = pool.Select(StratifiedSampler.Sample(pool.Labels!, 10, 1000, SeedScheme.Derive(3, "train", 1)));
        Assert.Equal(expected.Inputs, second.Inputs);
        Assert.Equal(expected.Labels, second.Labels);
    }

    [Fact]
    public void Mnist_plan_test_set_is_identical_across_calls_and_replicates()
    {
        var spec = SpecBuilder.Single(MnistYaml);
        RealMnist.File(MnistFiles.TestImages);

        var test = DataPlan.For(spec).Test;
        var again = DataPlan.For(spec).Test;
        var full = DataPlan.For(SpecBuilder.Single(MnistYaml.Replace("test_size: 500", "test_size: 10000"))).Test;

        Assert.Equal(500, test.Count);
        Assert.Equal(test.Inputs, again.Inputs);
        Assert.Equal(test.Labels, again.Labels);
        Assert.Equal([49, 57, 52, 50, 49, 45, 48, 51, 49, 50], Enumerable.Range(0, 10).Select(c => test.Labels!.Count(l => l == c)));
        Assert.Equal(RealMnist.Test.Labels, full.Labels);
        Assert.Equal(RealMnist.Test.Inputs, full.Inputs);
    }

    [Fact]
    public void Mnist_plan_applies_label_noise_to_exactly_the_configured_share()
    {
        var yaml = MnistYaml.Replace("test_size: 500}", "test_size: 500, label_noise: {mode: permute, fraction: 0.2}}");
        RealMnist.File(MnistFiles.TrainImages);

        var noisy = DataPlan.For(SpecBuilder.Single(yaml)).TrainingSet(0);
        var clean = DataPlan.For(SpecBuilder.Single(MnistYaml)).TrainingSet(0);

        Assert.Equal(200, noisy.Corrupt.Count(c => c));
        Assert.Equal(clean.Inputs, noisy.Inputs);
        var (cleanLabels, noisyLabels) = (clean.Labels!, noisy.Labels!);
        Assert.Equal(cleanLabels.Order(), noisyLabels.Order());
        Assert.All(Enumerable.Range(0, 1000).Where(i => !noisy.Corrupt[i]), i => Assert.Equal(cleanLabels[i], noisyLabels[i]));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(0.0)]
    public void Toy_product_targets_are_x0_times_x1_plus_bounded_noise(double eta)
    {
        var spec = SpecBuilder.Single(SpecBuilder.ToyYaml.Replace("noise: 0.5", $"noise: {eta}").Replace("train_size: 64", "train_size: 4000"));
        var plan = DataPlan.For(spec);

        foreach (var set in new[] { plan.TrainingSet(0), plan.Test })
        {
            var noise = Enumerable.Range(0, set.Count).Select(i => set.Targets![i] - (double)set.Inputs[2 * i] * set.Inputs[2 * i + 1]).ToArray();
            Assert.All(set.Inputs, x => Assert.InRange(x, -1f, 1f));
            Assert.All(noise, e => Assert.InRange(Math.Abs(e), 0, eta + 1e-5));
            Assert.InRange(noise.Max(e => Math.Abs(e)), 0.95 * eta, eta + 1e-5);
            Assert.InRange(noise.Average(), -0.05 * eta - 1e-6, 0.05 * eta + 1e-6);
        }
        Assert.Equal(4000, plan.TrainingSet(1).Count);
        Assert.Equal(256, plan.Test.Count);
        Assert.NotEqual(plan.TrainingSet(0).Inputs, plan.TrainingSet(1).Inputs);
        Assert.Equal(plan.TrainingSet(1).Targets, DataPlan.For(spec).TrainingSet(1).Targets);
    }

    [Fact]
    public void Two_circles_without_noise_lie_on_radius_one_and_factor_with_alternating_labels()
    {
        var circles = SyntheticData.TwoCircles(101, 0.0, 0.3, 5);

        Assert.Equal(Enumerable.Range(0, 101).Select(i => (long)(i % 2)), circles.Labels!);
        for (var i = 0; i < circles.Count; i++)
        {
            var radius = Math.Sqrt((double)circles.Inputs[2 * i] * circles.Inputs[2 * i] + (double)circles.Inputs[2 * i + 1] * circles.Inputs[2 * i + 1]);
            Assert.Equal(i % 2 == 0 ? 1.0 : 0.3, radius, 1e-6);
        }
        Assert.Equal(2, circles.Classes);
        Assert.True(circles.Inputs.Where((_, k) => k % 2 == 1).Any(y => y < -0.5), "angles must cover the circle");
    }
}
