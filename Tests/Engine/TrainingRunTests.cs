using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// Whole runs on the toy regression: bitwise determinism, resume after cancellation, recorded steps and
/// the shared θ0. Curves are compared as CSV text, which round-trips every double exactly.
/// </summary>
public sealed class TrainingRunTests
{
    private const int Steps = 20;

    // 48 examples: batch 10 gives 5 batches per epoch (the last one 8), batch 16 gives 3.
    public static TheoryData<string> Optimizers => new()
    {
        "optimizer: gd",
        "optimizer: sgd\n  momentum: 0.9\n  batch_size: 10",
        "optimizer: adam\n  batch_size: 16",
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Same_spec_and_replicate_give_identical_curves(string optimizer)
    {
        var spec = Spec(optimizer);

        var first = CurveRow.ToCsv(Run(spec));
        var second = CurveRow.ToCsv(Run(spec));

        Assert.Equal(first, second);
        Assert.NotEqual(first, CurveRow.ToCsv(Run(spec, replicate: 1))); // another training set, another curve
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Run_cancelled_midway_resumes_to_the_uninterrupted_curves(string optimizer)
    {
        const int cancelAt = 13; // mid-epoch for both batch sizes, between the checkpoints at 10 and 15
        var spec = Spec(optimizer);
        var uninterrupted = CurveRow.ToCsv(Run(spec));
        using var dir = new TempDirectory();
        var store = new DirectoryCheckpointStore(dir.Path);
        using var cancel = new CancellationTokenSource();

        Assert.Throws<OperationCanceledException>(() => Run(spec, store: store, progress: done =>
        {
            if (done == cancelAt) cancel.Cancel();
        }, cancel: cancel.Token));
        Assert.Equal(["000000010.ckpt", "000000013.ckpt"], dir.Files());

        var firstProgress = -1;
        var resumed = Run(spec, store: store, progress: done => firstProgress = firstProgress < 0 ? done : firstProgress);

        Assert.Equal(cancelAt + 1, firstProgress); // it went on from the checkpoint, not from θ0
        Assert.Equal(uninterrupted, CurveRow.ToCsv(resumed));
    }

    [Fact]
    public void Rows_are_recorded_at_the_resolved_steps_with_the_scheduled_rate()
    {
        var every = Spec("optimizer: sgd\n  batch_size: 16\n  schedule:\n    kind: exponential\n    gamma: 0.5", lr: 0.5);
        Assert.Equal([0, 3, 6, 9, 12, 15, 18, 20], Run(every).Select(r => r.Step));
        Assert.Equal([0.5, 0.0625, 0.0078125], Run(every).Take(3).Select(r => r.LearningRate));

        var logSpaced = Spec("optimizer: gd", record: "log_spaced: 6");
        Assert.Equal(logSpaced.Record.Resolve(Steps), Run(logSpaced).Select(r => r.Step));
    }

    [Fact]
    public void Gd_records_the_losses_one_step_later()
    {
        var rows = Run(Spec("optimizer: gd", record: "steps: [3, 4]"));

        Assert.Equal([3, 4], rows.Select(r => r.Step));
        Assert.Equal(rows[1].TrainLoss, rows[0].TrainLossNext);
        Assert.Equal(rows[1].TestLoss, rows[0].TestLossNext);
        Assert.NotEqual(rows[0].TrainLoss, rows[0].TrainLossNext);
    }

    [Fact]
    public void Minibatch_runs_leave_the_next_step_losses_empty()
    {
        var rows = Run(Spec("optimizer: sgd\n  batch_size: 16", record: "steps: [3]"));

        Assert.True(double.IsNaN(Assert.Single(rows).TrainLossNext));
        Assert.True(double.IsNaN(rows[0].TestLossNext));
    }

    [Fact]
    public void Replicates_share_theta0_unless_share_init_is_false()
    {
        var shared = Spec("optimizer: gd", record: "steps: [0]");
        var separate = Spec("optimizer: gd", record: "steps: [0]", model: "\n  share_init: false");

        Assert.Equal(new TrainingRun(shared, 0, "cpu").InitSeed, new TrainingRun(shared, 1, "cpu").InitSeed);
        Assert.NotEqual(new TrainingRun(separate, 0, "cpu").InitSeed, new TrainingRun(separate, 1, "cpu").InitSeed);
        // Every replicate sees the same test set, so θ0's test loss shows whether θ0 is shared.
        Assert.Equal(Run(shared, replicate: 0)[0].TestLoss, Run(shared, replicate: 1)[0].TestLoss);
        Assert.NotEqual(Run(separate, replicate: 0)[0].TestLoss, Run(separate, replicate: 1)[0].TestLoss);
    }

    private static RunSpec Spec(string training, string record = "every: 3", string model = "", double lr = 0.05) =>
        SpecBuilder.Single($"""
            name: run-test
            seed: 7
            replicates: 2
            train_size: 48
            checkpoint_every: 5
            dataset:
              kind: toy-product
              noise: 0.5
              test_size: 64
            model:
              kind: mlp
              hidden: [6]{model}
            training:
              {training}
              lr: {lr}
              steps: {Steps}
            record:
              {record}
            """);

    internal static IReadOnlyList<CurveRow> Run(RunSpec spec, int replicate = 0, ICheckpointStore? store = null,
        Action<int>? progress = null, CancellationToken cancel = default)
    {
        var plan = DataPlan.For(spec);
        var train = plan.TrainingSet(replicate);
        using var trainData = TensorData.Upload(train, spec.Model.Precision, "cpu");
        using var testData = TensorData.Upload(plan.Test, spec.Model.Precision, "cpu");
        var run = new TrainingRun(spec, replicate, "cpu") { Checkpoints = store, Progress = progress };
        return run.Execute(train, trainData, testData, cancel);
    }
}
