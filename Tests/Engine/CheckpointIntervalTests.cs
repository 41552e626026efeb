using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// <see cref="TrainingRun.CheckpointMinInterval"/>: periodic checkpoints closer in wall time than the interval are
/// skipped, a cancellation always writes one, and which checkpoints exist never changes the curves.
/// </summary>
public sealed class CheckpointIntervalTests
{
    private static readonly RunSpec Spec = SpecBuilder.Single(SpecBuilder.ToyYaml + "\ncheckpoint_every: 5\n"); // 20 updates

    private static readonly string Uninterrupted = CurveRow.ToCsv(Run(null, TimeSpan.Zero));

    [Fact]
    public void With_no_interval_a_checkpoint_is_written_every_checkpoint_every_updates_before_the_last()
    {
        var store = new RecordingStore();

        Assert.Equal(Uninterrupted, CurveRow.ToCsv(Run(store, TimeSpan.Zero)));
        Assert.Equal([5, 10, 15], store.Saved);
    }

    [Fact]
    public void With_a_long_interval_no_periodic_checkpoint_is_written()
    {
        var store = new RecordingStore();

        Assert.Equal(Uninterrupted, CurveRow.ToCsv(Run(store, TimeSpan.FromDays(1))));
        Assert.Empty(store.Saved);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(86400)]
    public void A_cancellation_always_writes_a_checkpoint_and_the_resumed_run_has_the_uninterrupted_curves(int intervalSeconds)
    {
        var interval = TimeSpan.FromSeconds(intervalSeconds);
        var store = new RecordingStore();
        using var cancel = new CancellationTokenSource();

        Assert.Throws<OperationCanceledException>(() => Run(store, interval, done =>
        {
            if (done == 7) cancel.Cancel();
        }, cancel.Token));
        Assert.Equal(intervalSeconds == 0 ? [5, 7] : [7], store.Saved);

        Assert.Equal(Uninterrupted, CurveRow.ToCsv(Run(store, interval)));
    }

    private static IReadOnlyList<CurveRow> Run(ICheckpointStore? store, TimeSpan interval, Action<int>? progress = null, CancellationToken cancel = default)
    {
        var plan = DataPlan.For(Spec);
        var train = plan.TrainingSet(0);
        using var trainData = TensorData.Upload(train, Spec.Model.Precision, "cpu");
        using var testData = TensorData.Upload(plan.Test, Spec.Model.Precision, "cpu");
        var run = new TrainingRun(Spec, 0, "cpu") { Checkpoints = store, CheckpointMinInterval = interval, Progress = progress };
        return run.Execute(train, trainData, testData, cancel);
    }

    /// <summary>Keeps every checkpoint in memory (serialised when saved, as a real store does) and the steps saved, in order.</summary>
    private sealed class RecordingStore : ICheckpointStore
    {
        private readonly List<byte[]> _checkpoints = [];

        public List<int> Saved { get; } = [];

        public Checkpoint? LoadLatest() => _checkpoints.Count == 0 ? null : Checkpoint.Deserialize(_checkpoints[^1], "memory");

        public void Save(Checkpoint checkpoint)
        {
            _checkpoints.Add(checkpoint.Serialize());
            Saved.Add(checkpoint.Step);
        }
    }
}
