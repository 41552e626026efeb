using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// Each penalty's value P against an independent computation, float64: grad_norm from gs_loss_grad, the MGS
/// penalties from the non-differentiable kernel (itself checked against an explicit Jacobian), DataGrad and
/// SpectReg from finite differences of losses with respect to the inputs.
/// </summary>
public sealed class PenaltyValueTests
{
    /// <summary>Smooth activations so the input finite differences (h = 1e-3 on float32 inputs) see no kinks.</summary>
    private const string SmoothMlp = "linear(5,7);tanh;linear(7,6);tanh;linear(6,3)";

    private const string SmoothConv = "conv(2,3,3,stride=2,pad=1);tanh;conv(3,4,2);tanh;flatten;linear(36,3)";

    public static TheoryData<string, int[]> Models => new()
    {
        { TestLayers.Mlp, [5] },
        { "linear(5,7,frozen);tanh;linear(7,3)", [5] },
        { TestLayers.StridedConv, [2, 7, 7] },
    };

    public static TheoryData<string, int[]> SmoothModels => new() { { SmoothMlp, [5] }, { SmoothConv, [2, 7, 7] } };

    [Theory]
    [MemberData(nameof(Models))]
    public void Grad_norm_is_the_squared_norm_of_the_mean_loss_gradient(string layers, int[] shape)
    {
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 3, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(8, shape, 3, seed: 41), Precision.Float64, "cpu");
        long[] batch = [1, 4, 2, 7, 5];
        var (_, gradient) = model.LossGradient(data, batch);

        var (value, _) = Penalties.Evaluate(model, data, batch, PenaltyKind.GradNorm);

        NumericAssert.Close(gradient.Sum(g => g * g), value, 1e-12, 1e-300, "||∂L/∂θ||²");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Mgs_penalties_are_trace_and_log_det_of_the_kernel_over_b_k(string layers, int[] shape)
    {
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 4, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(6, shape, 3, seed: 42), Precision.Float64, "cpu");
        long[] batch = [0, 3, 5];
        var kernel = MgsKernel.Compute(model, data, batch, 3, withMatrix: false);
        Assert.False(kernel.Singular);

        var (trace, _) = Penalties.Evaluate(model, data, batch, PenaltyKind.MgsTrace);
        var (logDet, _) = Penalties.Evaluate(model, data, batch, PenaltyKind.MgsLogDet);

        NumericAssert.Close(kernel.MeanEigenvalue, trace, 1e-11, 1e-300, "trace(K)/(b·k)");
        NumericAssert.Close(kernel.LogGeometricMeanEigenvalue, logDet, 1e-9, 1, "log det(K)/(b·k)");
    }

    [Theory]
    [MemberData(nameof(SmoothModels))]
    public void Datagrad_is_the_mean_squared_input_gradient_of_each_example_loss(string layers, int[] shape)
    {
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 5, InitScheme.Pytorch);
        var examples = RandomExamples.Classification(6, shape, 3, seed: 43);
        using var data = TensorData.Upload(examples, Precision.Float64, "cpu");
        long[] batch = [0, 2, 5, 4];
        var gradients = Regularized.InputGradients(examples, batch, 1e-3, perturbed => ExampleLosses(model, perturbed, batch));

        var (value, _) = Penalties.Evaluate(model, data, batch, PenaltyKind.DataGrad);

        NumericAssert.Close(gradients.Average(g => g.Sum(v => v * v)), value, 1e-5, 1e-300, "mean_i ||∂L_i/∂x_i||²");
    }

    [Theory]
    [MemberData(nameof(SmoothModels))]
    public void Spectreg_is_the_mean_squared_epsilon_projected_input_jacobian(string layers, int[] shape)
    {
        // Regression loss L_i(y) = ||f_i − y||², so L_i(0) − L_i(ε_i/2) = ε_i·f_i − ||ε_i||²/4 has input gradient
        // ε_iᵀ ∂f(x_i)/∂x_i: finite differences of losses alone give the projected Jacobian.
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 6, InitScheme.Pytorch);
        var examples = RandomExamples.Regression(5, shape, 3, seed: 44);
        long[] batch = [4, 1, 3];
        var rng = new DeterministicRandom(9);
        var halfEpsilon = Enumerable.Range(0, examples.Count * 3).Select(_ => (float)rng.NextDouble(-1.5, 1.5)).ToArray();
        var epsilon = batch.SelectMany(i => Enumerable.Range(0, 3).Select(c => 2.0 * halfEpsilon[i * 3 + c])).ToArray();
        var zero = new float[examples.Count * 3];
        var gradients = Regularized.InputGradients(examples, batch, 1e-3, perturbed =>
        {
            var atZero = ExampleLosses(model, Regularized.With(perturbed, perturbed.Inputs, zero), batch);
            var atHalf = ExampleLosses(model, Regularized.With(perturbed, perturbed.Inputs, halfEpsilon), batch);
            return atZero.Zip(atHalf, (a, b) => a - b).ToArray();
        });
        using var data = TensorData.Upload(examples, Precision.Float64, "cpu");

        var (value, _) = Penalties.Evaluate(model, data, batch, PenaltyKind.SpectReg, epsilon);

        NumericAssert.Close(gradients.Average(g => g.Sum(v => v * v)), value, 1e-5, 1e-300, "mean_i ||ε_iᵀ ∂f/∂x_i||²");
    }

    [Fact]
    public void Spectreg_draws_epsilon_from_the_seed()
    {
        using var model = NativeModel.Create(SmoothMlp, Precision.Float64, "cpu", 6, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(5, [5], 3, seed: 45), Precision.Float64, "cpu");
        var a = Penalties.Evaluate(model, data, [], PenaltyKind.SpectReg, seed: 1).Value;
        Assert.Equal(a, Penalties.Evaluate(model, data, [], PenaltyKind.SpectReg, seed: 1).Value);
        Assert.NotEqual(a, Penalties.Evaluate(model, data, [], PenaltyKind.SpectReg, seed: 2).Value);
    }

    [Fact]
    public void A_singular_kernel_makes_the_log_det_penalty_fail_with_a_clear_error()
    {
        // 3 parameters, 6 examples × 1 output: K is 6×6 of rank ≤ 3.
        using var model = NativeModel.Create("linear(2,1)", Precision.Float64, "cpu", 1, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Regression(6, [2], 1, seed: 3), Precision.Float64, "cpu");
        var e = Assert.Throws<NativeException>(() => Penalties.Evaluate(model, data, [], PenaltyKind.MgsLogDet));
        Assert.Equal(NativeStatus.Diverged, e.Status);
        Assert.Contains("singular", e.Detail);
    }

    [Fact]
    public void Mgs_penalties_refuse_batchnorm_models()
    {
        using var model = NativeModel.Create(TestLayers.BatchNormConv, Precision.Float64, "cpu", 1, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(4, [2, 7, 7], 3, seed: 3), Precision.Float64, "cpu");
        var e = Assert.Throws<NativeException>(() => Penalties.Evaluate(model, data, [], PenaltyKind.MgsTrace));
        Assert.Equal(NativeStatus.InvalidArgument, e.Status);
        Assert.Contains("BatchNorm", e.Detail);
    }

    /// <summary>L_i for the batch's examples (indexed by example), one evaluation per example.</summary>
    private static double[] ExampleLosses(NativeModel model, Examples examples, long[] batch)
    {
        using var data = TensorData.Upload(examples, Precision.Float64, "cpu");
        var losses = new double[examples.Count];
        foreach (var i in batch) losses[i] = model.Evaluate(data, [i]).Loss;
        return losses;
    }
}
