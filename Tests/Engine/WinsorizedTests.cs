using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// Winsorized SGD (SCIENCE.md §4) against a direct per-coordinate sort of per-example gradients obtained one
/// example at a time with gs_loss_grad, float64.
/// </summary>
public sealed class WinsorizedTests
{
    private const double Lr = 0.2;

    [Theory]
    [InlineData(TestLayers.Mlp, new[] { 5 }, 1)]
    [InlineData(TestLayers.Mlp, new[] { 5 }, 3)]
    [InlineData(TestLayers.StridedConv, new[] { 2, 7, 7 }, 2)]
    [InlineData("linear(5,7,frozen);tanh;linear(7,3)", new[] { 5 }, 2)]
    public void Step_uses_the_mean_of_per_example_gradients_clipped_per_coordinate(string layers, int[] shape, int c)
    {
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 11, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(12, shape, 3, seed: 51), Precision.Float64, "cpu");
        long[] batch = [11, 0, 3, 7, 2, 9, 5, 6];
        var theta = model.GetParameters();
        var lossBefore = batch.Average(i => model.Evaluate(data, [i]).Loss);
        var perExample = batch.Select(i => model.LossGradient(data, [i]).Gradient).ToArray();
        var expected = new double[theta.Length];
        var plainMoves = false;
        for (var j = 0; j < theta.Length; j++)
        {
            var column = perExample.Select(g => g[j]).ToArray();
            var sorted = column.OrderBy(v => v).ToArray();
            var (lo, hi) = (sorted[c], sorted[^(c + 1)]);
            var clipped = column.Select(v => Math.Clamp(v, lo, hi)).Average();
            plainMoves |= Math.Abs(clipped - column.Average()) > 1e-6;
            expected[j] = theta[j] - Lr * clipped;
        }
        Assert.True(plainMoves, "clipping must change the gradient for the test to mean anything");
        using var trainer = Trainer.Create(model, Regularized.Sgd(RegularizationSpec.None with { WinsorizeC = c }), seed: 1);

        var loss = trainer.Step(data, batch, Lr);

        NumericAssert.Close(lossBefore, loss, 1e-12, 0, "loss before");
        NumericAssert.AllClose(expected, model.GetParameters(), 1e-11, 1e-3, "θ1");
    }

    [Fact]
    public void C_zero_is_plain_sgd_bit_for_bit_and_c_one_is_not()
    {
        var plain = Run(RegularizationSpec.None);
        Assert.Equal(plain, Run(RegularizationSpec.None with { WinsorizeC = 0, Dropout = 0 }));
        Assert.NotEqual(plain, Run(RegularizationSpec.None with { WinsorizeC = 1 }));
    }

    [Fact]
    public void A_batch_smaller_than_2c_plus_1_is_an_argument_error()
    {
        using var model = NativeModel.Create(TestLayers.Mlp, Precision.Float64, "cpu", 11, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(12, [5], 3, seed: 51), Precision.Float64, "cpu");
        using var trainer = Trainer.Create(model, Regularized.Sgd(RegularizationSpec.None with { WinsorizeC = 2 }), seed: 1);
        var e = Assert.Throws<NativeException>(() => trainer.Step(data, [0, 1, 2, 3], Lr));
        Assert.Equal(NativeStatus.InvalidArgument, e.Status);
        Assert.Contains("2c+1", e.Detail);
    }

    /// <summary>Five momentum-SGD steps on minibatches of 6 from a fixed θ0.</summary>
    private static double[] Run(RegularizationSpec regularization)
    {
        using var model = NativeModel.Create(TestLayers.StridedConv, Precision.Float64, "cpu", 12, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(18, [2, 7, 7], 3, seed: 52), Precision.Float64, "cpu");
        using var trainer = Trainer.Create(model, Regularized.Sgd(regularization, momentum: 0.9, weightDecay: 1e-3), seed: 1);
        for (var s = 0; s < 5; s++) trainer.Step(data, Enumerable.Range(3 * s, 6).Select(i => (long)i).ToArray(), Lr);
        return model.GetParameters();
    }
}
