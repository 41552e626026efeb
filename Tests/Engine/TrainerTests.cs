using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// Optimiser updates against references written here, fed with gradients from
/// <see cref="NativeModel.LossGradient"/> of a second model held at the reference parameters. float64
/// throughout; the two sides differ only in rounding (the trainer backpropagates L/n, the gradient call
/// divides by n at the end), so they agree to ~1e-15.
/// </summary>
public sealed class TrainerTests
{
    private const string Layers = "linear(3,5);tanh;linear(5,2)";
    private const double Relative = 1e-12;

    /// <summary>Parameters are O(0.1–1); below 1e-3 in magnitude the comparison is absolute (1e-15).</summary>
    private const double Floor = 1e-3;

    private static readonly AdamSpec DefaultAdam = new(0.9, 0.999, 1e-8);

    [Fact]
    public void Gd_step_is_theta_minus_lr_times_gradient()
    {
        using var model = Model();
        using var data = Data();
        var theta = model.GetParameters();
        var (loss, gradient) = model.LossGradient(data);
        using var trainer = Trainer.Create(model, Training(OptimizerKind.Gd), seed: 1);

        var lossBefore = trainer.Step(data, [], 0.3);

        NumericAssert.Close(loss, lossBefore, Relative, 0, "loss before the step");
        NumericAssert.AllClose(theta.Select((t, i) => t - 0.3 * gradient[i]).ToArray(), model.GetParameters(), Relative, Floor, "θ1");
    }

    [Fact]
    public void Weight_decay_adds_wd_theta_to_the_gradient()
    {
        using var model = Model();
        using var data = Data();
        var theta = model.GetParameters();
        var (_, gradient) = model.LossGradient(data);
        using var trainer = Trainer.Create(model, Training(OptimizerKind.Sgd, weightDecay: 0.25), seed: 1);

        trainer.Step(data, [], 0.3);

        var expected = theta.Select((t, i) => t - 0.3 * (gradient[i] + 0.25 * t)).ToArray();
        NumericAssert.AllClose(expected, model.GetParameters(), Relative, Floor, "θ1");
    }

    [Fact]
    public void Minibatch_step_uses_the_mean_gradient_over_the_given_indices()
    {
        using var model = Model();
        using var data = Data();
        long[] batch = [3, 17, 5, 5, 30]; // a repeated index counts twice in the mean
        var theta = model.GetParameters();
        var (loss, gradient) = model.LossGradient(data, batch);
        var (_, full) = model.LossGradient(data);
        Assert.True(gradient.Zip(full).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "batch and full gradients should differ");
        NumericAssert.Close(model.Evaluate(data, batch).Loss, loss, Relative, 0, "batch loss");
        using var trainer = Trainer.Create(model, Training(OptimizerKind.Sgd), seed: 1);

        var lossBefore = trainer.Step(data, batch, 0.5);

        NumericAssert.Close(loss, lossBefore, Relative, 0, "batch loss before the step");
        NumericAssert.AllClose(theta.Select((t, i) => t - 0.5 * gradient[i]).ToArray(), model.GetParameters(), Relative, Floor, "θ1");
    }

    [Fact]
    public void Sgd_with_momentum_matches_the_reference_over_three_steps()
    {
        const double lr = 0.1, mu = 0.9;
        using var model = Model();
        using var reference = Model();
        using var data = Data();
        using var trainer = Trainer.Create(model, Training(OptimizerKind.Sgd, momentum: mu), seed: 1);
        var theta = reference.GetParameters();
        var velocity = new double[theta.Length];

        for (var step = 1; step <= 3; step++)
        {
            reference.SetParameters(theta);
            var (_, g) = reference.LossGradient(data);
            for (var i = 0; i < theta.Length; i++)
            {
                velocity[i] = mu * velocity[i] + g[i]; // PyTorch convention: v ← μv + g; θ ← θ − lr·v
                theta[i] -= lr * velocity[i];
            }
            trainer.Step(data, [], lr);
            NumericAssert.AllClose(theta, model.GetParameters(), Relative, Floor, $"θ{step}");
        }
    }

    [Fact]
    public void Adam_matches_the_bias_corrected_reference_over_three_steps()
    {
        const double lr = 0.01;
        var adam = new AdamSpec(0.8, 0.99, 1e-8);
        using var model = Model();
        using var reference = Model();
        using var data = Data();
        using var trainer = Trainer.Create(model, Training(OptimizerKind.Adam, adam: adam), seed: 1);
        var theta = reference.GetParameters();
        var m = new double[theta.Length];
        var v = new double[theta.Length];

        for (var step = 1; step <= 3; step++)
        {
            reference.SetParameters(theta);
            var (_, g) = reference.LossGradient(data);
            for (var i = 0; i < theta.Length; i++)
            {
                // Kingma & Ba (2015), algorithm 1.
                m[i] = adam.Beta1 * m[i] + (1 - adam.Beta1) * g[i];
                v[i] = adam.Beta2 * v[i] + (1 - adam.Beta2) * g[i] * g[i];
                var mHat = m[i] / (1 - Math.Pow(adam.Beta1, step));
                var vHat = v[i] / (1 - Math.Pow(adam.Beta2, step));
                theta[i] -= lr * mHat / (Math.Sqrt(vHat) + adam.Epsilon);
            }
            trainer.Step(data, [], lr);
            NumericAssert.AllClose(theta, model.GetParameters(), Relative, Floor, $"θ{step}");
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Gd)]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    public void Frozen_layers_never_change(OptimizerKind optimizer)
    {
        using var model = NativeModel.Create("linear(3,5);tanh;linear(5,4,frozen);tanh;linear(4,2)", Precision.Float64, "cpu", 3, InitScheme.Pytorch);
        using var data = Data();
        var frozen = Enumerable.Range(3 * 5 + 5, 5 * 4 + 4).ToHashSet();
        var before = model.GetParameters();
        // Weight decay and momentum would move a frozen weight even with a zero gradient, were it updated.
        var training = Training(optimizer, momentum: optimizer == OptimizerKind.Sgd ? 0.9 : 0, weightDecay: 0.1);
        using var trainer = Trainer.Create(model, training, seed: 1);

        for (var step = 0; step < 3; step++) trainer.Step(data, optimizer == OptimizerKind.Gd ? [] : [0, 1, 2, 3, 4, 5, 6, 7], 0.1);

        var after = model.GetParameters();
        Assert.All(frozen, i => Assert.Equal(before[i], after[i]));
        Assert.All(Enumerable.Range(0, before.Length).Where(i => !frozen.Contains(i)), i => Assert.NotEqual(before[i], after[i]));
    }

    private static NativeModel Model() => NativeModel.Create(Layers, Precision.Float64, "cpu", 2, InitScheme.Pytorch);

    private static TensorData Data() => TensorData.Upload(RandomExamples.Classification(40, [3], 2, seed: 31), Precision.Float64, "cpu");

    private static TrainingSpec Training(OptimizerKind optimizer, double momentum = 0, double weightDecay = 0, AdamSpec? adam = null) =>
        new(optimizer, 3, 40, 0.1, new ScheduleSpec(ScheduleKind.Constant, 1, 0, 100), momentum, weightDecay, adam ?? DefaultAdam);
}
