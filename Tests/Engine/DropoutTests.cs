using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>Dropout between fully connected layers: its exact effect on a step, determinism, resume, evaluation.</summary>
public sealed class DropoutTests
{
    private const int Hidden = 200;
    private const double Rate = 0.3;

    [Fact]
    public void A_step_drops_hidden_units_with_inverted_scaling_and_nothing_else()
    {
        // x ∈ ℝ⁴ → h = tanh(W1 x + b1) ∘ m/(1−r) → f = W2 h + b2, loss ||f − y||², one example, plain SGD.
        // A dropped unit j has h_j = 0, so column j of W2 keeps its value: the mask is read off θ1, and then
        // every parameter of θ1 is checked against the step recomputed here with that mask.
        const double lr = 0.05;
        using var model = NativeModel.Create($"linear(4,{Hidden});tanh;linear({Hidden},2)", Precision.Float64, "cpu", 13, InitScheme.Pytorch);
        var examples = RandomExamples.Regression(1, [4], 2, seed: 53);
        using var data = TensorData.Upload(examples, Precision.Float64, "cpu");
        var theta = model.GetParameters();
        using var trainer = Trainer.Create(model, Regularized.Sgd(RegularizationSpec.None with { Dropout = Rate }), seed: 3);
        trainer.Step(data, [0], lr);
        var after = model.GetParameters();

        var (w1, b1, w2, b2) = (0, 4 * Hidden, 5 * Hidden, 7 * Hidden);
        var kept = Enumerable.Range(0, Hidden).Select(j => after[w2 + j] != theta[w2 + j]).ToArray();
        var dropped = kept.Count(k => !k) / (double)Hidden;
        Assert.InRange(dropped, Rate - 0.1, Rate + 0.1);

        var x = examples.Inputs.Select(v => (double)v).ToArray();
        var y = examples.Targets!.Select(v => (double)v).ToArray();
        var pre = Enumerable.Range(0, Hidden).Select(j => theta[b1 + j] + Enumerable.Range(0, 4).Sum(i => theta[w1 + j * 4 + i] * x[i])).ToArray();
        var h = pre.Select((p, j) => kept[j] ? Math.Tanh(p) / (1 - Rate) : 0).ToArray();
        var f = Enumerable.Range(0, 2).Select(c => theta[b2 + c] + Enumerable.Range(0, Hidden).Sum(j => theta[w2 + c * Hidden + j] * h[j])).ToArray();
        var df = f.Select((v, c) => 2 * (v - y[c])).ToArray();
        var expected = (double[])theta.Clone();
        for (var c = 0; c < 2; c++)
        {
            expected[b2 + c] -= lr * df[c];
            for (var j = 0; j < Hidden; j++) expected[w2 + c * Hidden + j] -= lr * df[c] * h[j];
        }
        for (var j = 0; j < Hidden; j++)
        {
            var dh = kept[j] ? (df[0] * theta[w2 + j] + df[1] * theta[w2 + Hidden + j]) / (1 - Rate) : 0;
            var dpre = dh * (1 - Math.Tanh(pre[j]) * Math.Tanh(pre[j]));
            expected[b1 + j] -= lr * dpre;
            for (var i = 0; i < 4; i++) expected[w1 + j * 4 + i] -= lr * dpre * x[i];
        }
        NumericAssert.AllClose(expected, after, 1e-12, 1e-3, "θ1");
    }

    [Fact]
    public void Rate_zero_is_no_dropout_bit_for_bit_and_the_same_seed_repeats()
    {
        var plain = Run(0, 1);
        Assert.Equal(plain, Run(0, 7));
        var dropped = Run(0.5, 1);
        Assert.NotEqual(plain, dropped);
        Assert.Equal(dropped, Run(0.5, 1));
        Assert.NotEqual(dropped, Run(0.5, 2));
    }

    [Fact]
    public void Resuming_from_a_saved_state_continues_bit_identically()
    {
        var data = Data();
        using var model = Lenet();
        using var trainer = Trainer.Create(model, Training(0.5), seed: 4);
        Steps(trainer, data, 0, 3);
        var state = trainer.SaveState();
        Steps(trainer, data, 3, 3);

        using var resumedModel = NativeModel.Create(TestLayers.LeNet5, Precision.Float64, "cpu", 99, InitScheme.Pytorch);
        using var resumed = Trainer.Create(resumedModel, Training(0.5), seed: 123);
        resumed.LoadState(state);
        Steps(resumed, data, 3, 3);

        Assert.Equal(model.GetParameters(), resumedModel.GetParameters());
        data.Dispose();
    }

    [Fact]
    public void Evaluation_and_gradients_never_drop()
    {
        using var data = Data();
        using var model = Lenet();
        using var reference = Lenet();
        using var trainer = Trainer.Create(model, Training(0.9), seed: 4);
        Steps(trainer, data, 0, 2);
        reference.SetParameters(model.GetParameters());

        Assert.Equal(reference.Evaluate(data), model.Evaluate(data));
        Assert.Equal(reference.LossGradient(data).Gradient, model.LossGradient(data).Gradient);
        Assert.Equal(model.Evaluate(data), model.Evaluate(data));
    }

    private static double[] Run(double rate, ulong seed)
    {
        using var data = Data();
        using var model = Lenet();
        using var trainer = Trainer.Create(model, Training(rate), seed);
        Steps(trainer, data, 0, 3);
        return model.GetParameters();
    }

    private static void Steps(Trainer trainer, TensorData data, int first, int count)
    {
        for (var s = first; s < first + count; s++) trainer.Step(data, [s % 4, (s + 1) % 4, 4 + s % 2], 0.05);
    }

    private static NativeModel Lenet() => NativeModel.Create(TestLayers.LeNet5, Precision.Float64, "cpu", 14, InitScheme.Pytorch);

    private static TensorData Data() => TensorData.Upload(RandomExamples.Classification(6, [1, 28, 28], 10, seed: 54), Precision.Float64, "cpu");

    private static TrainingSpec Training(double rate) => Regularized.Sgd(RegularizationSpec.None with { Dropout = rate }, momentum: 0.9);
}
