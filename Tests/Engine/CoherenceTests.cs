using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// Coherent-gradients diagnostics (SCIENCE.md §4) against the definitions: per-example shares against one
/// backward pass per example, f_p against g·g_p/‖g‖² from gradients of the pristine and corrupt subsets.
/// </summary>
public sealed class CoherenceTests
{
    public static TheoryData<string, int[]> Models => new()
    {
        { "linear(5,7,frozen);tanh;linear(7,6);relu;linear(6,3)", [5] },
        { "conv(1,2,3,stride=2,pad=1);relu;flatten;linear(32,3)", [1, 8, 8] },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Each_examples_share_is_its_gradient_dotted_with_the_direction(string layers, int[] shape)
    {
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 4, InitScheme.Pytorch);
        var examples = RandomExamples.Classification(23, shape, 3, seed: 5);
        using var data = TensorData.Upload(examples, Precision.Float64, "cpu");
        var direction = RandomExamples.Regression(1, [(int)model.ParameterCount], 1, seed: 8).Inputs.Select(v => (double)v).ToArray();

        var shares = Coherence.Projections(model, data, [], direction);

        for (var i = 0; i < 23; i++)
        {
            var (_, g) = model.LossGradient(data, [i]); // frozen entries are 0, as they never move
            NumericAssert.Close(Dot(g, direction), shares[i], 1e-10, 1e-12, $"s[{i}]");
        }
        long[] subset = [20, 3, 11];
        var selected = Coherence.Projections(model, data, subset, direction);
        // Equal up to the last bits: libtorch 2.10's products round a row differently in a batch of 3 than of 23.
        for (var k = 0; k < subset.Length; k++) NumericAssert.Close(shares[subset[k]], selected[k], 1e-12, 1e-15, $"selected s[{subset[k]}]");
    }

    [Fact]
    public void Pristine_share_equals_g_dot_g_pristine_over_g_squared_and_the_shares_add_to_one()
    {
        using var model = NativeModel.Create("linear(4,8);relu;linear(8,3)", Precision.Float64, "cpu", 2, InitScheme.Pytorch);
        var examples = RandomExamples.Classification(40, [4], 3, seed: 9);
        var corrupt = Enumerable.Range(0, 40).Select(i => i % 3 == 0).ToArray();
        using var data = TensorData.Upload(examples, Precision.Float64, "cpu");

        var c = Coherence.Compute(model, data, [], corrupt, nullWorlds: 0, nullSeed: 1);

        var pristineIdx = Enumerable.Range(0, 40).Where(i => !corrupt[i]).Select(i => (long)i).ToArray();
        var corruptIdx = Enumerable.Range(0, 40).Where(i => corrupt[i]).Select(i => (long)i).ToArray();
        var gp = Scale(model.LossGradient(data, pristineIdx).Gradient, pristineIdx.Length); // Σ over pristine ∇L_i
        var gc = Scale(model.LossGradient(data, corruptIdx).Gradient, corruptIdx.Length);
        var g = gp.Zip(gc, (a, b) => a + b).ToArray();
        NumericAssert.Close(Dot(g, gp) / Dot(g, g), c.Pristine, 1e-10, 0, "f_p");
        NumericAssert.Close(Dot(g, gc) / Dot(g, g), c.Corrupt, 1e-9, 1e-12, "f_c");
        Assert.Equal(1.0, c.Pristine + c.Corrupt, 12);
    }

    [Fact]
    public void Null_worlds_are_seeded_keep_the_corrupt_count_and_differ_from_each_other()
    {
        using var model = NativeModel.Create("linear(4,8);relu;linear(8,3)", Precision.Float64, "cpu", 2, InitScheme.Pytorch);
        var examples = RandomExamples.Classification(50, [4], 3, seed: 3);
        var corrupt = Enumerable.Range(0, 50).Select(i => i < 20).ToArray();
        using var data = TensorData.Upload(examples, Precision.Float64, "cpu");

        var first = Coherence.Compute(model, data, [], corrupt, nullWorlds: 6, nullSeed: 77);
        var again = Coherence.Compute(model, data, [], corrupt, nullWorlds: 6, nullSeed: 77);
        var other = Coherence.Compute(model, data, [], corrupt, nullWorlds: 6, nullSeed: 78);

        Assert.Equal(first.NullPristine, again.NullPristine);
        Assert.NotEqual(first.NullPristine, other.NullPristine);
        Assert.Equal(6, first.NullPristine.Distinct().Count());
        for (var k = 0; k < 6; k++)
        {
            var world = Coherence.NullWorld(corrupt, 77, k);
            Assert.Equal(20, world.Count(f => f));
            Assert.Equal(Coherence.PristineShare(first.Shares, world), first.NullPristine[k]);
        }
    }

    [Fact]
    public void Correct_flags_match_single_example_accuracy()
    {
        using var model = NativeModel.Create("linear(4,8);relu;linear(8,3)", Precision.Float32, "cpu", 2, InitScheme.Pytorch);
        var examples = RandomExamples.Classification(30, [4], 3, seed: 12);
        using var data = TensorData.Upload(examples, Precision.Float32, "cpu");

        var correct = Coherence.Correct(model, data);

        for (var i = 0; i < 30; i++) Assert.Equal(model.Evaluate(data, [i]).Accuracy == 1.0, correct[i]);
        Assert.Contains(true, correct);
        Assert.Contains(false, correct);
    }

    [Fact]
    public void Learned_tracker_keeps_the_first_step_and_shares_per_group()
    {
        var tracker = new LearnedTracker([false, false, true, true, false]);
        Assert.Equal((1 / 3.0, 0.0), tracker.Observe(0, [true, false, false, false, false]));
        Assert.Equal((2 / 3.0, 0.5), tracker.Observe(10, [false, true, true, false, false])); // forgetting does not unlearn
        Assert.Equal([0, 10, 10, -1, -1], tracker.FirstLearned);
        var resumed = new LearnedTracker([false, false, true, true, false], [.. tracker.FirstLearned]);
        Assert.Equal((1.0, 1.0), resumed.Observe(20, [false, false, false, true, true]));
        Assert.Throws<InvalidDataException>(() => new LearnedTracker([false, true], [1]));
    }

    [Fact]
    public void Overfit_is_train_accuracy_minus_what_a_perfectly_generalising_model_would_reach()
    {
        Assert.Equal(0.9 - (0.5 * 0.8 + 0.05), Diagnostics.OverfitOf(0.9, 0.8, 0.5, 10), 15);
        Assert.Equal(0.1, Diagnostics.OverfitOf(0.9, 0.8, 0, 10), 15);
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    private static double[] Scale(double[] v, double s) => v.Select(x => x * s).ToArray();
}
