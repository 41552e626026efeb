using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>A penalised trainer step against θ − lr·(∇L + λ∇P) from gs_loss_grad and gs_penalty, float64.</summary>
public sealed class PenaltyStepTests
{
    private const double Lr = 0.1;

    [Theory]
    [InlineData(PenaltyKind.GradNorm, 0.7, TestLayers.Mlp, new[] { 5 })]
    [InlineData(PenaltyKind.MgsTrace, 0.05, TestLayers.Mlp, new[] { 5 })]
    [InlineData(PenaltyKind.MgsLogDet, 0.02, TestLayers.StridedConv, new[] { 2, 7, 7 })]
    [InlineData(PenaltyKind.DataGrad, 0.5, TestLayers.StridedConv, new[] { 2, 7, 7 })]
    public void Step_is_theta_minus_lr_times_loss_plus_lambda_penalty_gradient(PenaltyKind kind, double lambda, string layers, int[] shape)
    {
        using var model = NativeModel.Create(layers, Precision.Float64, "cpu", 9, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(9, shape, 3, seed: 48), Precision.Float64, "cpu");
        long[] batch = [8, 1, 4];
        var theta = model.GetParameters();
        var (loss, lossGradient) = model.LossGradient(data, batch);
        var (_, penaltyGradient) = Penalties.Evaluate(model, data, batch, kind);
        Assert.True(penaltyGradient.Max(Math.Abs) > 1e-4, "the penalty must move θ for the test to mean anything");
        using var trainer = Trainer.Create(model, Regularized.Sgd(Regularized.Penalty(kind, lambda)), seed: 1);

        var lossBefore = trainer.Step(data, batch, Lr);

        NumericAssert.Close(loss, lossBefore, 1e-12, 0, "loss before the step");
        var expected = theta.Select((t, j) => t - Lr * (lossGradient[j] + lambda * penaltyGradient[j])).ToArray();
        NumericAssert.AllClose(expected, model.GetParameters(), 1e-11, 1e-3, "θ1");
    }

    [Fact]
    public void Penalties_add_up_in_one_objective()
    {
        using var model = NativeModel.Create(TestLayers.Mlp, Precision.Float64, "cpu", 9, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(6, [5], 3, seed: 49), Precision.Float64, "cpu");
        var theta = model.GetParameters();
        var (_, g) = model.LossGradient(data);
        var (_, gn) = Penalties.Evaluate(model, data, [], PenaltyKind.GradNorm);
        var (_, dg) = Penalties.Evaluate(model, data, [], PenaltyKind.DataGrad);
        var regularization = RegularizationSpec.None with { GradNorm = 0.3, DataGrad = 0.2 };
        using var trainer = Trainer.Create(model, Regularized.Sgd(regularization, weightDecay: 0.01), seed: 1);

        trainer.Step(data, [], Lr);

        var expected = theta.Select((t, j) => t - Lr * (g[j] + 0.3 * gn[j] + 0.2 * dg[j] + 0.01 * t)).ToArray();
        NumericAssert.AllClose(expected, model.GetParameters(), 1e-11, 1e-3, "θ1");
    }

    [Fact]
    public void Spectreg_steps_draw_epsilon_from_the_trainer_seed()
    {
        var a = SpectRegRun(seed: 5);
        Assert.Equal(a, SpectRegRun(seed: 5));
        Assert.NotEqual(a, SpectRegRun(seed: 6));
    }

    [Fact]
    public void A_batchnorm_model_refuses_mgs_penalties_at_trainer_creation()
    {
        using var model = NativeModel.Create(TestLayers.BatchNormConv, Precision.Float64, "cpu", 1, InitScheme.Pytorch);
        var e = Assert.Throws<NativeException>(() => Trainer.Create(model, Regularized.Sgd(Regularized.Penalty(PenaltyKind.MgsLogDet, 1)), 1));
        Assert.Contains("BatchNorm", e.Detail);
    }

    [Fact]
    public void Datagrad_with_batchnorm_trains_with_per_example_input_gradients()
    {
        // BatchNorm in training mode mixes the batch, so each example's ∂L_i/∂x_i takes its own pass; the step
        // must run and move θ by more than the plain step's gradient alone would.
        using var plainModel = NativeModel.Create(TestLayers.BatchNormConv, Precision.Float64, "cpu", 2, InitScheme.Pytorch);
        using var model = NativeModel.Create(TestLayers.BatchNormConv, Precision.Float64, "cpu", 2, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(6, [2, 7, 7], 3, seed: 50), Precision.Float64, "cpu");
        using var plain = Trainer.Create(plainModel, Regularized.Sgd(RegularizationSpec.None), 1);
        using var penalised = Trainer.Create(model, Regularized.Sgd(Regularized.Penalty(PenaltyKind.DataGrad, 10)), 1);
        Assert.Equal(plain.Step(data, [], Lr), penalised.Step(data, [], Lr), 12);
        Assert.NotEqual(plainModel.GetParameters(), model.GetParameters());
    }

    private static double[] SpectRegRun(ulong seed)
    {
        using var model = NativeModel.Create(TestLayers.Mlp, Precision.Float64, "cpu", 9, InitScheme.Pytorch);
        using var data = TensorData.Upload(RandomExamples.Classification(6, [5], 3, seed: 49), Precision.Float64, "cpu");
        using var trainer = Trainer.Create(model, Regularized.Sgd(Regularized.Penalty(PenaltyKind.SpectReg, 1)), seed);
        for (var s = 0; s < 3; s++) trainer.Step(data, [0, 1, 2, 3], Lr);
        return model.GetParameters();
    }
}
