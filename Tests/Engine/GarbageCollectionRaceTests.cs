using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// TorchSharp frees a Scalar in its finaliser and passes only its raw handle to libtorch: a Scalar it creates for a
/// call (an implicit conversion, a default alpha) can be finalised while libtorch still reads it, if a collection
/// runs meanwhile. The engine's numbers must not depend on when the garbage collector runs: the same calls give
/// the same bits while another thread collects and finalises without pause.
/// </summary>
public sealed class GarbageCollectionRaceTests
{
    private const string Layers = "linear(64,1024);tanh;linear(1024,10)";

    [Fact]
    public void Gradients_are_identical_while_another_thread_collects_garbage()
    {
        var examples = RandomExamples.Classification(512, [64], 10, seed: 21);
        using var model = NativeModel.Create(Layers, Precision.Float32, "cpu", 3, InitScheme.Pytorch);
        using var data = TensorData.Upload(examples, Precision.Float32, "cpu");
        var reference = model.LossGradient(data);

        WhileCollecting(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                var (loss, gradient) = model.LossGradient(data);
                Assert.Equal(reference.Loss, loss);
                Assert.Equal(reference.Gradient, gradient);
            }
        });
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, true)]
    [InlineData(OptimizerKind.Adam, false)]
    public void Training_steps_are_identical_while_another_thread_collects_garbage(OptimizerKind optimizer, bool classification)
    {
        var examples = classification ? RandomExamples.Classification(256, [64], 10, seed: 22) : RandomExamples.Regression(256, [64], 10, seed: 23);
        var training = new TrainingSpec(optimizer, 3, 40, 0.1, new ScheduleSpec(ScheduleKind.Constant, 1, 0, 100), 0.9, 0.01,
            new AdamSpec(0.9, 0.999, 1e-8));
        Assert.Equal(Trained(Layers, examples, training, steps: 150, collecting: false), Trained(Layers, examples, training, steps: 150, collecting: true));
    }

    [Fact]
    public void Statistics_are_identical_while_another_thread_collects_garbage()
    {
        var examples = RandomExamples.Classification(96, [1, 8, 8], 4, seed: 24);
        using var model = NativeModel.Create("conv(1,6,3,pad=1);relu;maxpool(2);flatten;linear(96,32);tanh;linear(32,4)", Precision.Float32, "cpu", 5,
            InitScheme.Pytorch);
        using var data = TensorData.Upload(examples, Precision.Float32, "cpu");
        long[] batch = [0, 1, 2, 3, 4, 5, 6, 7];
        var direction = model.LossGradient(data).Gradient;
        double[][] Compute() =>
        [
            .. Moments(GradientMoments.Compute(model, data, [], signs: true, chunk: 40)),
            MgsKernel.Compute(model, data, batch, 4, withMatrix: true).Matrix!,
            .. Enum.GetValues<PenaltyKind>().Select(kind => Penalties.Evaluate(model, data, batch, kind).Gradient),
            Coherence.Projections(model, data, [], direction),
            [model.Evaluate(data).Loss, model.Evaluate(data).Accuracy],
        ];
        var reference = Compute();

        WhileCollecting(() =>
        {
            for (var i = 0; i < 30; i++) Assert.Equal(reference, Compute());
        });
    }

    [Theory]
    [InlineData(0.0, 0.3, 0)]
    [InlineData(0.2, 0.0, 0)]
    [InlineData(0.0, 0.0, 2)]
    public void Regularised_steps_are_identical_while_another_thread_collects_garbage(double dropout, double penalty, int winsorize)
    {
        var examples = RandomExamples.Classification(64, [32], 5, seed: 25);
        var regularization = RegularizationSpec.None with { Dropout = dropout, GradNorm = penalty, MgsTrace = penalty, DataGrad = penalty, WinsorizeC = winsorize };
        const string layers = "linear(32,64);tanh;linear(64,64);tanh;linear(64,5)";
        var training = Regularized.Sgd(regularization, momentum: 0.9, weightDecay: 0.01);
        Assert.Equal(Trained(layers, examples, training, steps: 60, collecting: false), Trained(layers, examples, training, steps: 60, collecting: true));
    }

    /// <summary>θ after <paramref name="steps"/> full-batch steps from a fixed θ0, with or without a collecting thread beside them.</summary>
    private static double[] Trained(string layers, Examples examples, TrainingSpec training, int steps, bool collecting)
    {
        using var model = NativeModel.Create(layers, Precision.Float32, "cpu", 4, InitScheme.Pytorch);
        using var data = TensorData.Upload(examples, Precision.Float32, "cpu");
        using var trainer = Trainer.Create(model, training, seed: 1);
        void Steps()
        {
            for (var i = 0; i < steps; i++) trainer.Step(data, [], 0.01);
        }
        if (collecting) WhileCollecting(Steps);
        else Steps();
        return model.GetParameters();
    }

    private static IEnumerable<double[]> Moments(GradientMoments m) => [m.Mean, m.Second, m.Positive!, m.Negative!];

    /// <summary>Runs <paramref name="body"/> while another thread collects garbage and runs finalisers without pause.</summary>
    private static void WhileCollecting(Action body)
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            body();
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
