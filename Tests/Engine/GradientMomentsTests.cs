using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// Layer-structured per-example gradient moments (SCIENCE.md §1) against the definition: a loop over
/// single examples, each gradient from the ordinary backward pass of that example alone.
/// </summary>
public sealed class GradientMomentsTests
{
    public static TheoryData<string, int[], int, int> Models => new()
    {
        // layers, example shape, outputs (0: regression with 1 target), examples
        { TestLayers.Mlp, [5], 3, 40 },
        { "linear(4,6);sigmoid;linear(6,1)", [4], 0, 30 },
        { TestLayers.StridedConv, [2, 7, 7], 3, 24 },
        { "conv(1,2,5);relu;maxpool(2);conv(2,5,5);relu;maxpool(2);flatten;linear(80,50);relu;linear(50,10)", [1, 28, 28], 10, 12 },
        { TestLayers.LeNet5, [1, 28, 28], 10, 8 },
        // More examples than one thread's accumulation block (32) and an odd count split over the threads.
        { "conv(2,3,3,pad=1);relu;conv(3,2,2,stride=2);flatten;linear(18,3)", [2, 7, 7], 3, 131 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Float64_moments_and_sign_counts_equal_the_single_example_loop(string layers, int[] shape, int outputs, int n)
    {
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 3, InitScheme.Pytorch);
        using var data = TensorData.Upload(Sample(shape, outputs, n), Precision.Float64, "cpu");
        var reference = Loop(model, data, n);
        var moments = GradientMoments.Compute(model, data, [], signs: true);
        NumericAssert.AllClose(reference.Mean, moments.Mean, 1e-9, Floor(reference.Mean), "mean");
        NumericAssert.AllClose(reference.Second, moments.Second, 1e-9, Floor(reference.Second), "second moment");
        Assert.Equal(reference.Positive, moments.Positive);
        Assert.Equal(reference.Negative, moments.Negative);
        Assert.Equal(n, moments.Examples);
        for (var j = 0; j < moments.Count; j++)
        {
            var variance = Math.Max(0, reference.Second[j] - reference.Mean[j] * reference.Mean[j]);
            NumericAssert.Close(variance, moments.Variance(j), 1e-6, 1e-9 * reference.Second.Max(), $"ρ²[{j}]");
            Assert.Equal(reference.PSameSign(j), moments.PSameSign(j));
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Float32_moments_match_the_loop_to_1e4(string layers, int[] shape, int outputs, int n)
    {
        using var model = NativeModel.Create(layers, Precision.Float32, "cpu", 3, InitScheme.Pytorch);
        using var data = TensorData.Upload(Sample(shape, outputs, n), Precision.Float32, "cpu");
        var reference = Loop(model, data, n);
        var moments = GradientMoments.Compute(model, data, [], signs: false);
        // A mean that cancels across examples keeps only float32's rounding of each per-example gradient, and
        // libtorch 2.10 rounds a row of a 40-example product differently from a 1-example one: below 1e-4 of the
        // per-example gradients' size (√s_j), a mean is compared absolutely.
        var scale = Math.Sqrt(reference.Second.Max());
        NumericAssert.AllClose(reference.Mean, moments.Mean, 1e-4, Math.Max(Floor(reference.Mean, 1e-4), 1e-4 * scale), "mean");
        NumericAssert.AllClose(reference.Second, moments.Second, 1e-4, Floor(reference.Second, 1e-4), "second moment");
        Assert.Null(moments.Positive);
    }

    [Fact]
    public void Frozen_layers_get_the_statistics_they_would_have_if_trained()
    {
        const string layers = "linear(5,7);tanh;linear(7,3)";
        using var frozen = NativeModel.Create("linear(5,7,frozen);tanh;linear(7,3)", Precision.Float64, "cpu", 9, InitScheme.Pytorch);
        using var twin = NativeModel.Create(layers, Precision.Float64, "cpu", 9, InitScheme.Pytorch);
        using var data = TensorData.Upload(Sample([5], 3, 20), Precision.Float64, "cpu");
        var reference = Loop(twin, data, 20);
        var moments = GradientMoments.Compute(frozen, data, [], signs: true);
        Assert.Equal(twin.GetParameters(), frozen.GetParameters());
        NumericAssert.AllClose(reference.Mean, moments.Mean, 1e-9, Floor(reference.Mean), "mean");
        NumericAssert.AllClose(reference.Second, moments.Second, 1e-9, Floor(reference.Second), "second");
        Assert.Equal(reference.Positive, moments.Positive);
        Assert.True(moments.Second.Take(35).Max() > 0, "the frozen layer's moments must not be zero");
    }

    [Fact]
    public void Chunked_moments_equal_unchunked_and_respect_the_selection()
    {
        const string layers = "conv(1,2,3,stride=2);relu;flatten;linear(18,4)";
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 5, InitScheme.Xavier);
        using var data = TensorData.Upload(Sample([1, 7, 7], 4, 50), Precision.Float64, "cpu");
        var whole = GradientMoments.Compute(model, data, [], signs: true, chunk: 1000);
        var chunked = GradientMoments.Compute(model, data, [], signs: true, chunk: 7);
        NumericAssert.AllClose(whole.Mean, chunked.Mean, 1e-12, Floor(whole.Mean), "mean");
        NumericAssert.AllClose(whole.Second, chunked.Second, 1e-12, Floor(whole.Second), "second");
        Assert.Equal(whole.Positive, chunked.Positive);

        long[] subset = [3, 9, 11, 40];
        var selected = GradientMoments.Compute(model, data, subset, signs: false, chunk: 3);
        var reference = Loop(model, data, subset);
        Assert.Equal(4, selected.Examples);
        NumericAssert.AllClose(reference.Mean, selected.Mean, 1e-9, Floor(reference.Mean), "subset mean");
        NumericAssert.AllClose(reference.Second, selected.Second, 1e-9, Floor(reference.Second), "subset second");
    }

    [Fact]
    public void Gsnr_is_finite_where_the_variance_is_zero()
    {
        using var model = NativeModel.Create("linear(3,2)", Precision.Float64, "cpu", 1, InitScheme.Pytorch);
        using var data = TensorData.Upload(Sample([3], 2, 1), Precision.Float64, "cpu");
        var moments = GradientMoments.Compute(model, data, [], signs: true);
        // One example: every ρ² is 0 up to rounding ((δa)² vs δ²a²), so r is huge but finite, never NaN.
        for (var j = 0; j < moments.Count; j++)
        {
            Assert.True(moments.Variance(j) <= 1e-12 * moments.Second[j], $"ρ²[{j}] = {moments.Variance(j)}");
            Assert.True(double.IsFinite(moments.Gsnr(j)), $"r[{j}] = {moments.Gsnr(j)}");
        }
    }

    internal sealed record LoopMoments(double[] Mean, double[] Second, double[] Positive, double[] Negative)
    {
        /// <summary>#{i: g_ij ≠ 0}: the examples of the loop whose gradient for θ_j is not exactly zero.</summary>
        public double Signed(int j) => Positive[j] + Negative[j];

        /// <summary>SCIENCE.md §1 from the loop's counts: max(#pos, #neg) / #{g_ij ≠ 0}, NaN where that is 0.</summary>
        public double PSameSign(int j) => Signed(j) == 0 ? double.NaN : Math.Max(Positive[j], Negative[j]) / Signed(j);
    }

    /// <summary>The definition: one backward pass per example.</summary>
    internal static LoopMoments Loop(NativeModel model, TensorData data, int n) => Loop(model, data, Enumerable.Range(0, n).Select(i => (long)i).ToArray());

    internal static LoopMoments Loop(NativeModel model, TensorData data, long[] examples)
    {
        var p = (int)model.ParameterCount;
        double[] sum = new double[p], square = new double[p], positive = new double[p], negative = new double[p];
        foreach (var i in examples)
        {
            var g = model.LossGradient(data, [i]).Gradient;
            for (var j = 0; j < p; j++)
            {
                sum[j] += g[j];
                square[j] += g[j] * g[j];
                if (g[j] > 0) positive[j]++;
                if (g[j] < 0) negative[j]++;
            }
        }
        return new LoopMoments(sum.Select(s => s / examples.Length).ToArray(), square.Select(s => s / examples.Length).ToArray(), positive, negative);
    }

    internal static Examples Sample(int[] shape, int outputs, int n) =>
        outputs == 0 ? RandomExamples.Regression(n, shape, 1, seed: 17) : RandomExamples.Classification(n, shape, outputs, seed: 17);

    /// <summary>Values below this are compared absolutely: relative error means nothing at an exact zero.</summary>
    private static double Floor(double[] values, double share = 1e-9) => Math.Max(values.Max(Math.Abs) * share, 1e-300);
}
