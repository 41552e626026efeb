using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>The exact MGS kernel (SCIENCE.md §3) against an explicit Jacobian built row by row.</summary>
public sealed class MgsKernelTests
{
    public static TheoryData<string, int[], int, int> Models => new()
    {
        { TestLayers.Mlp, [5], 3, 6 },
        { "linear(5,7,frozen);tanh;linear(7,3)", [5], 3, 4 },
        { TestLayers.StridedConv, [2, 7, 7], 3, 5 },
        { TestLayers.LeNet5, [1, 28, 28], 10, 3 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Kernel_equals_J_J_transpose_of_the_explicit_jacobian(string layers, int[] shape, int k, int b)
    {
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 4, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(b + 2, shape, k, seed: 23), Precision.Float64, "cpu");
        long[] batch = Enumerable.Range(1, b).Select(i => (long)i).ToArray();
        var jacobian = Jacobian(model, data, batch, k);
        var kernel = MgsKernel.Compute(model, data, batch, k, withMatrix: true);

        Assert.Equal(b * k, kernel.Size);
        var expected = Gram(jacobian);
        var scale = expected.Max(Math.Abs);
        NumericAssert.AllClose(expected, kernel.Matrix!, 1e-9, scale * 1e-9, "K");
        // trace(K) = Σ_{i,c} ||∂f_c(x_i)/∂θ||²
        NumericAssert.Close(jacobian.Sum(row => row.Sum(v => v * v)), kernel.Trace, 1e-10, 1e-300, "trace");
        Assert.Equal(kernel.Trace / kernel.Size, kernel.MeanEigenvalue);
        // Fewer rows than trainable parameters and random inputs: K is positive definite.
        Assert.False(kernel.Singular);
        NumericAssert.Close(CholeskyLogDet(expected, b * k), kernel.LogDet, 1e-8, 1, "log det");
        Assert.Equal(kernel.LogDet / kernel.Size, kernel.LogGeometricMeanEigenvalue);
    }

    [Fact]
    public void Frozen_parameters_are_not_part_of_the_kernel()
    {
        using var frozen = NativeModel.Create("linear(5,7,frozen);tanh;linear(7,3)", Precision.Float64, "cpu", 4, InitScheme.Pytorch);
        using var trained = NativeModel.Create("linear(5,7);tanh;linear(7,3)", Precision.Float64, "cpu", 4, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(4, [5], 3, seed: 2), Precision.Float64, "cpu");
        var withFrozen = MgsKernel.Compute(frozen, data, [], 3, withMatrix: false);
        var allTrained = MgsKernel.Compute(trained, data, [], 3, withMatrix: false);
        Assert.True(withFrozen.Trace < allTrained.Trace, $"{withFrozen.Trace} should be below {allTrained.Trace}");
        Assert.Null(withFrozen.Matrix);
    }

    [Fact]
    public void A_rank_deficient_kernel_is_reported_singular_not_an_error()
    {
        // 3 parameters, 6 examples × 1 output: K is 6×6 of rank ≤ 3.
        using var model = NativeModel.Create("linear(2,1)", Precision.Float64, "cpu", 1, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Regression(6, [2], 1, seed: 3), Precision.Float64, "cpu");
        var kernel = MgsKernel.Compute(model, data, [], 1, withMatrix: true);
        Assert.True(kernel.Singular);
        Assert.True(double.IsNaN(kernel.LogDet));
        Assert.True(kernel.Trace > 0);
    }

    [Fact]
    public void Float32_kernel_metrics_match_float64_to_1e4()
    {
        const string layers = "conv(1,3,3,stride=2);relu;flatten;linear(27,4)";
        using var single = NativeModel.Create(layers, Precision.Float32, "cpu", 8, InitScheme.Pytorch);
        using var dbl = NativeModel.Create(layers, Precision.Float64, "cpu", 8, InitScheme.Pytorch);
        var examples = RandomExamples.Classification(3, [1, 7, 7], 4, seed: 5);
        using var d32 = TensorData.Upload(examples, Precision.Float32, "cpu");
        using var d64 = TensorData.Upload(examples, Precision.Float64, "cpu");
        var k32 = MgsKernel.Compute(single, d32, [], 4, withMatrix: false);
        var k64 = MgsKernel.Compute(dbl, d64, [], 4, withMatrix: false);
        NumericAssert.Close(k64.Trace, k32.Trace, 1e-4, 1e-300, "trace");
        NumericAssert.Close(k64.LogDet, k32.LogDet, 1e-3, 1, "log det");
    }

    private static double[][] Jacobian(NativeModel model, TensorData data, long[] batch, int k) =>
        batch.SelectMany(i => Enumerable.Range(0, k).Select(c => model.OutputGradient(data, [i], c))).ToArray();

    private static double[] Gram(double[][] rows)
    {
        var n = rows.Length;
        var gram = new double[n * n];
        for (var r = 0; r < n; r++)
        for (var s = 0; s < n; s++)
            gram[r * n + s] = rows[r].Zip(rows[s], (x, y) => x * y).Sum();
        return gram;
    }

    /// <summary>log det by a textbook Cholesky in C#, independent of libtorch.</summary>
    private static double CholeskyLogDet(double[] a, int n)
    {
        var l = new double[n * n];
        var logDet = 0.0;
        for (var j = 0; j < n; j++)
        {
            var d = a[j * n + j];
            for (var p = 0; p < j; p++) d -= l[j * n + p] * l[j * n + p];
            l[j * n + j] = Math.Sqrt(d);
            logDet += 2 * Math.Log(l[j * n + j]);
            for (var i = j + 1; i < n; i++)
            {
                var s = a[i * n + j];
                for (var p = 0; p < j; p++) s -= l[i * n + p] * l[j * n + p];
                l[i * n + j] = s / l[j * n + j];
            }
        }
        return logDet;
    }
}
