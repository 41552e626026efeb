using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// float32 <see cref="NativeModel.Evaluate(TensorData)"/> against a forward pass written here in float64
/// from <see cref="NativeModel.GetParameters"/> (layer by layer, weight [out, in] row-major, then bias).
/// 5000 examples span two of the core's 4096-example chunks.
/// </summary>
public sealed class EvaluationTests
{
    private const int Count = 5000;

    /// <summary>float32 forward passes and 5000-term sums agree with float64 to ~2 ε₃₂ ≈ 1e-7; a wrong loss is off by far more.</summary>
    private const double Float32Relative = 1e-6;

    [Fact]
    public void Regression_loss_is_the_mean_squared_error()
    {
        var examples = RandomExamples.Regression(Count, [2], 1, seed: 21);
        using var model = NativeModel.Create("linear(2,3);relu;linear(3,1)", Precision.Float32, "cpu", 9, InitScheme.Pytorch);
        using var data = TensorData.Upload(examples, Precision.Float32, "cpu");
        var theta = model.GetParameters();

        var expected = 0.0;
        for (var n = 0; n < Count; n++)
        {
            var f = Forward(theta, examples.Inputs.AsSpan(2 * n, 2), Math.Max, outputs: 1)[0];
            expected += (f - examples.Targets![n]) * (f - examples.Targets[n]);
        }
        expected /= Count;

        var evaluation = model.Evaluate(data);
        Assert.Equal(Count, evaluation.Count);
        Assert.True(double.IsNaN(evaluation.Accuracy), "regression has no accuracy");
        NumericAssert.Close(expected, evaluation.Loss, Float32Relative, 0, "mean squared error");
    }

    [Fact]
    public void Classification_loss_is_cross_entropy_and_accuracy_the_argmax_hit_rate()
    {
        var examples = RandomExamples.Classification(Count, [2], 3, seed: 22);
        using var model = NativeModel.Create("linear(2,3);tanh;linear(3,3)", Precision.Float32, "cpu", 10, InitScheme.Pytorch);
        using var data = TensorData.Upload(examples, Precision.Float32, "cpu");
        var theta = model.GetParameters();

        var crossEntropy = 0.0;
        var clear = new List<long>(); // examples whose top logit leads by enough that float32 cannot flip the argmax
        var hits = 0;
        for (var n = 0; n < Count; n++)
        {
            var logits = Forward(theta, examples.Inputs.AsSpan(2 * n, 2), (_, z) => Math.Tanh(z), outputs: 3);
            var top = logits.Max();
            crossEntropy += top + Math.Log(logits.Sum(l => Math.Exp(l - top))) - logits[examples.Labels![n]];
            var sorted = logits.Order().ToArray();
            if (sorted[2] - sorted[1] < 1e-4) continue;
            clear.Add(n);
            if (Array.IndexOf(logits, top) == examples.Labels[n]) hits++;
        }

        var all = model.Evaluate(data);
        NumericAssert.Close(crossEntropy / Count, all.Loss, Float32Relative, 0, "cross-entropy");
        var selected = model.Evaluate(data, clear.ToArray());
        Assert.True(clear.Count > Count * 9 / 10, $"only {clear.Count} examples have a clear argmax");
        Assert.Equal(clear.Count, selected.Count);
        Assert.Equal((double)hits / clear.Count, selected.Accuracy);
    }

    /// <summary>One hidden layer: logits = W₂ σ(W₁x + b₁) + b₂, with σ(z) = <paramref name="activation"/>(0, z).</summary>
    private static double[] Forward(double[] theta, ReadOnlySpan<float> x, Func<double, double, double> activation, int outputs)
    {
        const int hidden = 3;
        var h = new double[hidden];
        for (var j = 0; j < hidden; j++)
        {
            var z = theta[hidden * x.Length + j];
            for (var k = 0; k < x.Length; k++) z += theta[j * x.Length + k] * x[k];
            h[j] = activation(0, z);
        }
        var second = hidden * x.Length + hidden;
        var logits = new double[outputs];
        for (var o = 0; o < outputs; o++)
        {
            var z = theta[second + outputs * hidden + o];
            for (var j = 0; j < hidden; j++) z += theta[second + o * hidden + j] * h[j];
            logits[o] = z;
        }
        return logits;
    }
}
