using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// p_same_sign_j = max(#{g_ij &gt; 0}, #{g_ij &lt; 0}) / #{g_ij ≠ 0} (SCIENCE.md §1) where per-example
/// gradients are exactly zero — dead ReLUs, max-pool, an input that is zero in every example — against a
/// loop over single examples: those examples carry no sign and are not counted, and a parameter with no
/// non-zero gradient is left out of the means.
/// </summary>
public sealed class SameSignTests
{
    public static TheoryData<string, int[], int, Precision> Models => new()
    {
        // layers, example shape (plane 0 is zero in every example), outputs, precision
        { "linear(6,8);relu;linear(8,3)", [6], 3, Precision.Float64 },
        { "linear(6,8);relu;linear(8,3)", [6], 3, Precision.Float32 },
        { "conv(2,3,3);relu;maxpool(2);flatten;linear(27,3)", [2, 8, 8], 3, Precision.Float64 },
        { "conv(2,3,3);relu;maxpool(2);flatten;linear(27,3)", [2, 8, 8], 3, Precision.Float32 },
        // The GSNR CNN's structure (two conv + ReLU + max-pool, two linear layers).
        { "conv(2,2,5);relu;maxpool(2);conv(2,5,5);relu;maxpool(2);flatten;linear(80,50);relu;linear(50,10)", [2, 28, 28], 10, Precision.Float64 },
        { TestLayers.BatchNormConv, [2, 7, 7], 3, Precision.Float64 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Per_parameter_value_counts_only_examples_with_a_non_zero_gradient(string layers, int[] shape, int outputs, Precision precision)
    {
        const int n = 40;
        using var model = NativeModel.Create(layers, precision, "cpu", 11, InitScheme.Pytorch);
        using var data = TensorData.Upload(WithZeroPlane(RandomExamples.Classification(n, shape, outputs, seed: 23)), precision, "cpu");
        var loop = GradientMomentsTests.Loop(model, data, n);
        var moments = GradientMoments.Compute(model, data, [], signs: true, chunk: 16);
        Assert.Equal(loop.Positive, moments.Positive);
        Assert.Equal(loop.Negative, moments.Negative);
        var all = Enumerable.Range(0, moments.Count).ToArray();
        Assert.Contains(all, j => loop.Signed(j) is > 0 and < n); // zeros beside signs: the divisor matters
        Assert.Contains(all, j => loop.Signed(j) == 0);           // the zero input plane: no sign at all
        foreach (var j in all)
        {
            Assert.Equal(loop.Signed(j), moments.Signed(j));
            var expected = loop.PSameSign(j);
            var actual = moments.PSameSign(j);
            Assert.True(expected.Equals(actual), $"p_same_sign[{j}]: expected {expected:R}, got {actual:R}");
            if (!double.IsNaN(actual)) Assert.InRange(actual, 0.5, 1.0);
        }
    }

    [Fact]
    public void Summaries_leave_out_parameters_without_a_non_zero_gradient()
    {
        const string layers = "linear(4,5);relu;linear(5,3);relu;linear(3,2)";
        const int n = 30;
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 2, InitScheme.Pytorch);
        // Every input is zero: the first weight tensor has no non-zero per-example gradient at all.
        var random = RandomExamples.Classification(n, [4], 2, seed: 3);
        using var data = TensorData.Upload(new Examples(new float[random.Inputs.Length], [4], random.Labels, 2, null, 0), Precision.Float64, "cpu");
        var loop = GradientMomentsTests.Loop(model, data, n);
        var moments = GradientMoments.Compute(model, data, [], signs: true);
        var sizes = model.ParameterSizes();
        var rows = GradientSummary.Summarise(0, moments, sizes, model.GetParameters(), null, null);

        var offset = 0;
        for (var t = 0; t < sizes.Length; t++)
        {
            var signed = Enumerable.Range(offset, (int)sizes[t]).Where(j => loop.Signed(j) > 0).ToArray();
            var expected = signed.Length == 0 ? double.NaN : signed.Average(loop.PSameSign);
            Assert.Equal(expected, rows[t].PSameSignMean, 12);
            offset += (int)sizes[t];
        }
        Assert.True(double.IsNaN(rows[0].PSameSignMean), "0.weight: no example has a non-zero gradient");
        var counted = Enumerable.Range(0, moments.Count).Where(j => loop.Signed(j) > 0).ToArray();
        Assert.True(counted.Length < moments.Count, "some parameters are left out");
        Assert.Equal(counted.Average(loop.PSameSign), rows[^1].PSameSignMean, 12);
        Assert.InRange(rows[^1].PSameSignMean, 0.5, 1.0);
    }

    /// <summary>The examples with plane 0 (feature 0, or input channel 0) set to zero in every example.</summary>
    private static Examples WithZeroPlane(Examples examples)
    {
        var inputs = (float[])examples.Inputs.Clone();
        var plane = examples.ExampleSize / examples.ExampleShape[0];
        for (var i = 0; i < examples.Count; i++) Array.Clear(inputs, i * examples.ExampleSize, plane);
        return new Examples(inputs, examples.ExampleShape, examples.Labels, examples.Classes, null, 0);
    }
}
