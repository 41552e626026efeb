using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// BatchNorm: trained with batch statistics, evaluated — and its per-example statistics taken — with the
/// running statistics (SCIENCE.md §1: BatchNorm in evaluation mode).
/// </summary>
public sealed class BatchNormTests
{
    private static readonly TrainingSpec Sgd = new(OptimizerKind.Sgd, 3, 16, 0.2, new ScheduleSpec(ScheduleKind.Constant, 1, 0, 2), 0.5, 0, new AdamSpec(0.9, 0.999, 1e-8));

    [Fact]
    public void Per_example_moments_in_evaluation_mode_equal_the_single_example_loop()
    {
        using var model = NativeModel.Create(TestLayers.BatchNormConv, Precision.Float64, "cpu", 6, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(24, [2, 7, 7], 3, seed: 4), Precision.Float64, "cpu");
        Train(model, data, steps: 3); // moves the running statistics away from (0, 1)

        var loop = GradientMomentsTests.Loop(model, data, 24);
        var moments = GradientMoments.Compute(model, data, [], signs: true, chunk: 5);
        NumericAssert.AllClose(loop.Mean, moments.Mean, 1e-9, 1e-12, "mean");
        NumericAssert.AllClose(loop.Second, moments.Second, 1e-9, 1e-14, "second");
        Assert.Equal(loop.Positive, moments.Positive);
        Assert.Equal(loop.Negative, moments.Negative);
    }

    [Fact]
    public void Mgs_kernel_with_batchnorm_equals_the_explicit_jacobian()
    {
        using var model = NativeModel.Create(TestLayers.BatchNormConv, Precision.Float64, "cpu", 6, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(16, [2, 7, 7], 3, seed: 8), Precision.Float64, "cpu");
        Train(model, data, steps: 2);
        long[] batch = [2, 5, 11];
        var rows = batch.SelectMany(i => Enumerable.Range(0, 3).Select(c => model.OutputGradient(data, [i], c))).ToArray();
        var kernel = MgsKernel.Compute(model, data, batch, 3, withMatrix: true);
        for (var r = 0; r < rows.Length; r++)
        for (var s = 0; s < rows.Length; s++)
            NumericAssert.Close(rows[r].Zip(rows[s], (x, y) => x * y).Sum(), kernel.Matrix![r * rows.Length + s], 1e-9, 1e-9, $"K[{r},{s}]");
    }

    [Fact]
    public void Gradients_in_evaluation_mode_match_finite_differences()
    {
        using var model = NativeModel.Create(TestLayers.BatchNormConv, Precision.Float64, "cpu", 3, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(10, [2, 7, 7], 3, seed: 9), Precision.Float64, "cpu");
        Train(model, data, steps: 2);
        var theta = model.GetParameters();
        var (_, gradient) = model.LossGradient(data);
        const double h = 1e-6;
        foreach (var j in Enumerable.Range(0, theta.Length).Where(j => j % 7 == 0))
        {
            var shifted = (double[])theta.Clone();
            shifted[j] = theta[j] + h;
            model.SetParameters(shifted);
            var up = model.Evaluate(data).Loss;
            shifted[j] = theta[j] - h;
            model.SetParameters(shifted);
            var down = model.Evaluate(data).Loss;
            NumericAssert.Close((up - down) / (2 * h), gradient[j], 1e-5, 1e-4, $"∂L/∂θ[{j}]");
        }
        model.SetParameters(theta);
    }

    [Fact]
    public void Training_steps_update_the_running_statistics_and_a_saved_state_restores_them()
    {
        using var data = TensorData.Upload(RandomExamples.Classification(32, [2, 7, 7], 3, seed: 12), Precision.Float64, "cpu");
        using var model = NativeModel.Create(TestLayers.BatchNormConv, Precision.Float64, "cpu", 6, InitScheme.Pytorch);
        using var trainer = Trainer.Create(model, Sgd, 1);
        var before = model.Evaluate(data).Loss;
        var parameters = model.GetParameters();
        trainer.Step(data, [], 0.0); // lr 0: parameters stay, running statistics move
        Assert.Equal(parameters, model.GetParameters());
        Assert.NotEqual(before, model.Evaluate(data).Loss);

        trainer.Step(data, [0, 3, 5, 7, 9, 11], 0.1);
        var state = trainer.SaveState();
        var expected = model.Evaluate(data).Loss;
        using var fresh = NativeModel.Create(TestLayers.BatchNormConv, Precision.Float64, "cpu", 6, InitScheme.Pytorch);
        using var restored = Trainer.Create(fresh, Sgd, 1);
        restored.LoadState(state);
        Assert.Equal(expected, fresh.Evaluate(data).Loss); // same parameters and running statistics, bit for bit
    }

    [Fact]
    public void Batchnorm_layer_text_is_checked()
    {
        var error = Assert.Throws<NativeException>(() => NativeModel.Create("batchnorm(0)", Precision.Float32, "cpu", 1, InitScheme.Pytorch));
        Assert.Contains("channels must be positive", error.Message, StringComparison.Ordinal);
    }

    private static void Train(NativeModel model, TensorData data, int steps)
    {
        using var trainer = Trainer.Create(model, Sgd, 1);
        for (var i = 0; i < steps; i++) trainer.Step(data, [], 0.1);
    }
}
