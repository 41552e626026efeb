using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;

namespace OrleansSweeps.Tests.Data;

/// <summary>Label noise: exact corrupt counts, pristine labels untouched, mode semantics, seeding.</summary>
public sealed class LabelNoiseTests
{
    private const int Classes = 10;

    /// <summary>Labels 0..9 with unequal class sizes (class c holds 2c+1 of every 100), so permutation matters.</summary>
    private static long[] Labels(int n) => Enumerable.Range(0, n).Select(i => (long)Math.Sqrt(i % 100)).ToArray();

    [Theory]
    [InlineData(1000, 0.25, 250)]
    [InlineData(1000, 0.1, 100)]
    [InlineData(10, 0.25, 3)]    // 2.5 rounds away from zero
    [InlineData(7, 0.5, 4)]      // 3.5
    [InlineData(1000, 0.0125, 13)] // 12.5
    [InlineData(100, 1.0, 100)]
    [InlineData(100, 0.0, 0)]
    [InlineData(3, 0.1, 0)]
    public void Exactly_round_fraction_times_n_examples_are_corrupt(int n, double fraction, int expected)
    {
        Assert.Equal(expected, LabelNoise.CorruptCount(n, fraction));
        foreach (var mode in new[] { LabelNoiseMode.Random, LabelNoiseMode.Permute })
        {
            var result = LabelNoise.Apply(Labels(n), Classes, new LabelNoiseSpec(mode, fraction), 42);

            Assert.Equal(expected, result.CorruptCount);
            Assert.Equal(expected, result.Corrupt.Count(c => c));
            Assert.Equal(n, result.Labels.Length);
        }
    }

    [Theory]
    [InlineData(LabelNoiseMode.Random)]
    [InlineData(LabelNoiseMode.Permute)]
    public void Pristine_labels_are_unchanged_and_changed_is_counted_exactly(LabelNoiseMode mode)
    {
        var labels = Labels(2000);

        var result = LabelNoise.Apply(labels, Classes, new LabelNoiseSpec(mode, 0.3), 7);

        var changed = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (!result.Corrupt[i]) Assert.Equal(labels[i], result.Labels[i]);
            if (result.Labels[i] != labels[i]) changed++;
        }
        Assert.Equal(changed, result.Changed);
        Assert.InRange(changed, 1, 600);
    }

    [Fact]
    public void Permute_mode_keeps_the_label_multiset_of_the_corrupt_examples()
    {
        var labels = Labels(2000);

        var result = LabelNoise.Apply(labels, Classes, new LabelNoiseSpec(LabelNoiseMode.Permute, 0.5), 3);

        var corrupt = Enumerable.Range(0, labels.Length).Where(i => result.Corrupt[i]).ToArray();
        Assert.Equal(corrupt.Select(i => labels[i]).Order(), corrupt.Select(i => result.Labels[i]).Order());
        Assert.Equal(labels.Order(), result.Labels.Order());
        // Among 1000 permuted labels of unequal classes, most move to an example of another class.
        Assert.InRange(result.Changed, 500, 1000);
    }

    [Fact]
    public void Random_mode_draws_uniform_labels_within_range()
    {
        var labels = new long[10_000];

        var result = LabelNoise.Apply(labels, Classes, new LabelNoiseSpec(LabelNoiseMode.Random, 0.5), 11);

        Assert.All(result.Labels, l => Assert.InRange(l, 0, Classes - 1));
        // 5000 uniform draws keep label 0 with probability 1/10: changed ≈ 4500 ± 21 (sd).
        Assert.InRange(result.Changed, 4350, 4650);
        var drawn = Enumerable.Range(0, labels.Length).Where(i => result.Corrupt[i]).Select(i => result.Labels[i]).ToArray();
        Assert.All(Enumerable.Range(0, Classes), c => Assert.InRange(drawn.Count(l => l == c), 400, 600));
    }

    [Theory]
    [InlineData(LabelNoiseMode.Random)]
    [InlineData(LabelNoiseMode.Permute)]
    public void The_same_seed_gives_the_same_noise_and_another_seed_other_noise(LabelNoiseMode mode)
    {
        var labels = Labels(1000);
        var spec = new LabelNoiseSpec(mode, 0.2);

        var first = LabelNoise.Apply(labels, Classes, spec, 5);
        var again = LabelNoise.Apply(labels, Classes, spec, 5);
        var other = LabelNoise.Apply(labels, Classes, spec, 6);

        Assert.Equal(first.Labels, again.Labels);
        Assert.Equal(first.Corrupt, again.Corrupt);
        Assert.NotEqual(first.Corrupt, other.Corrupt);
        Assert.NotEqual(first.Labels, other.Labels);
    }

    [Fact]
    public void The_input_labels_are_not_modified()
    {
        var labels = Labels(500);
        var copy = labels.ToArray();

        LabelNoise.Apply(labels, Classes, new LabelNoiseSpec(LabelNoiseMode.Permute, 1.0), 1);

        Assert.Equal(copy, labels);
    }
}
