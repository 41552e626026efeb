using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// ∇L from the numeric core against central finite differences of <see cref="NativeModel.Evaluate(TensorData)"/>,
/// all in float64. With h = 1e-6 the truncation error is O(h²) ≈ 1e-12 and the rounding error one ulp of
/// L over 2h, ≈ 2e-10 for L ≈ 2, so a correct gradient agrees to 1e-6 relative or 1e-9 absolute; a wrong one
/// (missing term, wrong layout, wrong scaling) is off by O(1).
/// </summary>
public sealed class GradientCheckTests
{
    private const double H = 1e-6;
    private const double Relative = 1e-6;

    /// <summary>Below this magnitude (e.g. a dead ReLU's zero gradient) the check becomes absolute: 1e-6 · 1e-3 = 1e-9, a few times the FD rounding noise.</summary>
    private const double Floor = 1e-3;

    [Theory]
    [InlineData(Activation.Relu, false)]
    [InlineData(Activation.Relu, true)]
    [InlineData(Activation.Tanh, false)]
    [InlineData(Activation.Tanh, true)]
    [InlineData(Activation.Sigmoid, false)]
    [InlineData(Activation.Sigmoid, true)]
    public void Mlp_gradient_matches_finite_differences(Activation activation, bool classification)
    {
        // ReLU gets one hidden layer so its kinks can be ruled out below; the smooth ones get two.
        IReadOnlyList<int> hidden = activation == Activation.Relu ? [8] : [6, 5];
        var examples = classification
            ? RandomExamples.Classification(48, [3], 4, seed: 11)
            : RandomExamples.Regression(48, [3], 2, seed: 12);
        var spec = new ModelSpec(ModelKind.Mlp, hidden, activation, 0, [], InitScheme.Pytorch, Precision.Float64, true);
        using var model = NativeModel.Create(ModelArchitecture.For(spec, [3], examples.Outputs), Precision.Float64, "cpu", 5, InitScheme.Pytorch);
        using var data = TensorData.Upload(examples, Precision.Float64, "cpu");
        if (activation == Activation.Relu) AssertNoPreActivationNearZero(model.GetParameters(), examples, 8);

        AssertMatchesFiniteDifferences(model, data, Enumerable.Range(0, (int)model.ParameterCount));
    }

    [Fact]
    public void Gradient_spanning_several_chunks_matches_finite_differences()
    {
        // 4500 > the core's 4096-example chunk: the per-chunk sums must be combined into one mean.
        var examples = RandomExamples.Regression(4500, [2], 1, seed: 13);
        using var model = NativeModel.Create("linear(2,4);tanh;linear(4,1)", Precision.Float64, "cpu", 6, InitScheme.Pytorch);
        using var data = TensorData.Upload(examples, Precision.Float64, "cpu");
        AssertMatchesFiniteDifferences(model, data, Enumerable.Range(0, (int)model.ParameterCount));
    }

    [Fact]
    public void Frozen_layer_has_zero_gradient_and_the_others_match_finite_differences()
    {
        var spec = new ModelSpec(ModelKind.Mlp, [6, 5], Activation.Tanh, 0, [1], InitScheme.Pytorch, Precision.Float64, true);
        var architecture = ModelArchitecture.For(spec, [3], 2);
        Assert.Equal("linear(3,6);tanh;linear(6,5,frozen);tanh;linear(5,2)", architecture.Layers);
        using var model = NativeModel.Create(architecture, Precision.Float64, "cpu", 7, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(32, [3], 2, seed: 14), Precision.Float64, "cpu");
        var frozen = Enumerable.Range(3 * 6 + 6, 6 * 5 + 5).ToArray();
        Assert.Equal(model.ParameterCount - frozen.Length, model.TrainableParameterCount);

        var (_, gradient) = model.LossGradient(data);
        Assert.All(frozen, i => Assert.Equal(0.0, gradient[i]));
        // The zeros come from freezing, not from L ignoring those weights: L does depend on them.
        Assert.Contains(frozen, i => Math.Abs(FiniteDifference(model, data, i)) > 1e-4);
        AssertMatchesFiniteDifferences(model, data, Enumerable.Range(0, (int)model.ParameterCount).Except(frozen));
    }

    /// <remarks>
    /// ReLU and max pooling are fixed parts of these architectures. Their kinks cannot bite unless a
    /// pre-activation lies within ~h of zero (or two pooled values within ~h of each other) for the
    /// fixed seeded inputs and θ0; the check is deterministic, and a kink would show as an O(1) error.
    /// </remarks>
    [Fact]
    public void Gsnr_cnn_gradient_matches_finite_differences()
    {
        var spec = new ModelSpec(ModelKind.GsnrCnn, [], Activation.Relu, 2, [], InitScheme.Pytorch, Precision.Float64, true);
        // p = 2, q = 5: conv(1,2,5), conv(2,5,5), linear(80,50), linear(50,10); weight then bias each.
        int[] sizes = [50, 2, 250, 5, 4000, 50, 500, 10];
        AssertCnnSubsetMatches(ModelArchitecture.For(spec, [1, 28, 28], 10), sizes, seed: 15);
    }

    [Fact]
    public void Lenet5_gradient_matches_finite_differences()
    {
        var spec = new ModelSpec(ModelKind.Lenet5, [], Activation.Relu, 0, [], InitScheme.Pytorch, Precision.Float64, true);
        int[] sizes = [150, 6, 2400, 16, 48000, 120, 10080, 84, 840, 10];
        AssertCnnSubsetMatches(ModelArchitecture.For(spec, [1, 28, 28], 10), sizes, seed: 16);
    }

    [Fact]
    public void Strided_padded_conv_gradient_matches_finite_differences()
    {
        // 8×8 input, k = 3, stride 2, pad 1 → 4×4 per channel; without the padding it would be 3×3 and
        // linear(32,3) would reject the shape.
        using var model = NativeModel.Create("conv(1,2,3,stride=2,pad=1);tanh;flatten;linear(32,3)", Precision.Float64, "cpu", 8, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(5, [1, 8, 8], 3, seed: 17), Precision.Float64, "cpu");
        Assert.Equal(2 * 9 + 2 + 32 * 3 + 3, model.ParameterCount);
        AssertMatchesFiniteDifferences(model, data, Enumerable.Range(0, (int)model.ParameterCount));
    }

    private static void AssertCnnSubsetMatches(ModelArchitecture architecture, int[] sizes, ulong seed)
    {
        using var model = NativeModel.Create(architecture, Precision.Float64, "cpu", seed, InitScheme.Pytorch);
        Assert.Equal(sizes.Sum(), model.ParameterCount);
        using var data = TensorData.Upload(RandomExamples.Classification(3, [1, 28, 28], 10, seed), Precision.Float64, "cpu");
        AssertMatchesFiniteDifferences(model, data, SubsetPerTensor(sizes, 40 / sizes.Length, seed));
    }

    /// <summary>A fixed pseudo-random choice of <paramref name="perTensor"/> indices in every parameter tensor, so each layer is checked.</summary>
    private static IEnumerable<int> SubsetPerTensor(int[] sizes, int perTensor, ulong seed)
    {
        var rng = new DeterministicRandom(seed);
        var offset = 0;
        foreach (var size in sizes)
        {
            var chosen = new SortedSet<int>();
            while (chosen.Count < Math.Min(perTensor, size)) chosen.Add(offset + rng.NextInt(size));
            foreach (var i in chosen) yield return i;
            offset += size;
        }
    }

    private static void AssertMatchesFiniteDifferences(NativeModel model, TensorData data, IEnumerable<int> indices)
    {
        var (_, gradient) = model.LossGradient(data);
        var checkedCount = 0;
        foreach (var i in indices)
        {
            NumericAssert.Close(FiniteDifference(model, data, i), gradient[i], Relative, Floor, $"∂L/∂θ[{i}]");
            checkedCount++;
        }
        Assert.True(checkedCount > 0, "no parameter was checked");
    }

    /// <summary>(L(θ + h·e_i) − L(θ − h·e_i)) / (2h), dividing by the step actually taken; θ is restored.</summary>
    private static double FiniteDifference(NativeModel model, TensorData data, int i)
    {
        var theta = model.GetParameters();
        var saved = theta[i];
        double up = saved + H, down = saved - H;
        theta[i] = up;
        model.SetParameters(theta);
        var plus = model.Evaluate(data).Loss;
        theta[i] = down;
        model.SetParameters(theta);
        var minus = model.Evaluate(data).Loss;
        theta[i] = saved;
        model.SetParameters(theta);
        return (plus - minus) / (up - down);
    }

    /// <summary>
    /// A perturbation of size h moves a first-layer pre-activation z = W₁x + b₁ by at most h (|x| &lt; 1), so
    /// |z| &gt; 10h everywhere guarantees the finite differences never straddle a ReLU kink.
    /// </summary>
    private static void AssertNoPreActivationNearZero(double[] theta, Examples examples, int hidden)
    {
        var inputs = examples.ExampleSize;
        var nearest = double.PositiveInfinity;
        for (var n = 0; n < examples.Count; n++)
        {
            for (var j = 0; j < hidden; j++)
            {
                var z = theta[hidden * inputs + j];
                for (var k = 0; k < inputs; k++) z += theta[j * inputs + k] * examples.Inputs[n * inputs + k];
                nearest = Math.Min(nearest, Math.Abs(z));
            }
        }
        Assert.True(nearest > 10 * H, $"a pre-activation lies {nearest:E2} from the ReLU kink; choose other seeds");
    }
}
