using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>Exact learning rates of each schedule; rates are powers of two where the value should be exact.</summary>
public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Constant_is_lr_at_every_step()
    {
        var training = Training("kind: constant");

        Assert.Equal([0.5, 0.5, 0.5], new[] { 0, 7, 100_000 }.Select(t => LearningRateSchedule.At(training, t)));
    }

    [Fact]
    public void Exponential_is_lr_times_gamma_to_the_t()
    {
        var halving = Training("kind: exponential\n    gamma: 0.5");
        Assert.Equal([0.5, 0.25, 0.0625, 0.5 / 1024], new[] { 0, 1, 3, 10 }.Select(t => LearningRateSchedule.At(halving, t)));

        var slow = Training("kind: exponential\n    gamma: 0.9");
        NumericAssert.Close(0.5 * 0.9 * 0.9 * 0.9, LearningRateSchedule.At(slow, 3), 1e-15, 0, "0.5·0.9³");
    }

    [Fact]
    public void Cyclical_is_a_triangle_from_min_lr_up_to_lr_and_back_each_period()
    {
        var training = Training("kind: cyclical\n    min_lr: 0.125\n    period: 10");

        Assert.Equal([0.125, 0.5, 0.125, 0.5, 0.125], new[] { 0, 5, 10, 15, 20 }.Select(t => LearningRateSchedule.At(training, t)));
        // A fifth of the way up (t = 1) and down (t = 9): 0.125 + 0.375 · 0.2; t = 13: 0.125 + 0.375 · 0.6.
        NumericAssert.Close(0.2, LearningRateSchedule.At(training, 1), 1e-15, 0, "t = 1");
        NumericAssert.Close(0.2, LearningRateSchedule.At(training, 9), 1e-15, 0, "t = 9");
        NumericAssert.Close(0.35, LearningRateSchedule.At(training, 13), 1e-15, 0, "t = 13 (second period, 3/10 in)");
    }

    private static TrainingSpec Training(string schedule) => SpecBuilder.Single($"""
        name: schedule-test
        seed: 1
        replicates: 1
        train_size: 8
        dataset:
          kind: toy-product
        model:
          kind: mlp
        training:
          optimizer: gd
          lr: 0.5
          steps: 10
          schedule:
            {schedule}
        """).Training;
}
