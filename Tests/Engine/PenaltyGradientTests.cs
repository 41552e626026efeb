using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// ∂P/∂θ of every penalty (double backpropagation) against central finite differences of P over every
/// parameter, float64, on an MLP (ReLU, tanh) and a strided, padded CNN. With h = 1e-5 the truncation error is
/// O(h²) and the rounding error ≈ 1e-16·|P|/h, far below the 1e-5 relative tolerance; a missing second-order
/// term (e.g. treating δ or a as constants) is off by O(1).
/// </summary>
public sealed class PenaltyGradientTests
{
    private const double H = 1e-5;

    public static TheoryData<PenaltyKind, string, int[], int> Cases()
    {
        var data = new TheoryData<PenaltyKind, string, int[], int>();
        foreach (var kind in Enum.GetValues<PenaltyKind>())
        {
            data.Add(kind, TestLayers.Mlp, [5], 0);
            data.Add(kind, TestLayers.StridedConv, [2, 7, 7], 0);
        }
        // A frozen middle layer (parameters 42…89): K covers layers 0 and 2 only, its gradient reaches layer 0
        // through the frozen one, and the frozen parameters get zeros (as gs_loss_grad gives them).
        data.Add(PenaltyKind.MgsLogDet, "linear(5,7);tanh;linear(7,6,frozen);tanh;linear(6,3)", [5], 42);
        data.Add(PenaltyKind.MgsTrace, "linear(5,7);tanh;linear(7,6,frozen);tanh;linear(6,3)", [5], 42);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Penalty_gradient_matches_finite_differences(PenaltyKind kind, string layers, int[] shape, int frozenFrom)
    {
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 8, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(5, shape, 3, seed: 47), Precision.Float64, "cpu");
        long[] batch = [0, 2, 3];
        var rng = new DeterministicRandom(17);
        var epsilon = Enumerable.Range(0, batch.Length * 3).Select(_ => rng.NextGaussian()).ToArray();
        double P() => Penalties.Evaluate(model, data, batch, kind, epsilon).Value;
        var theta = model.GetParameters();
        var (value, gradient) = Penalties.Evaluate(model, data, batch, kind, epsilon);
        Assert.True(double.IsFinite(value) && value != 0, $"P = {value}");
        var scale = gradient.Max(Math.Abs);
        Assert.True(scale > 0, "∂P/∂θ vanishes");

        var frozen = frozenFrom > 0 ? Enumerable.Range(frozenFrom, 7 * 6 + 6).ToHashSet() : [];
        Assert.All(frozen, j => Assert.Equal(0.0, gradient[j]));
        var fd = new double[theta.Length];
        for (var j = 0; j < theta.Length; j++)
        {
            if (frozen.Contains(j)) continue;
            var t = theta[j];
            theta[j] = t + H;
            model.SetParameters(theta);
            var plus = P();
            theta[j] = t - H;
            model.SetParameters(theta);
            var minus = P();
            theta[j] = t;
            fd[j] = (plus - minus) / (2 * H);
        }
        model.SetParameters(theta);

        NumericAssert.AllClose(fd, gradient, 1e-5, 1e-3 * scale, $"∂P/∂θ ({kind})");
    }
}
