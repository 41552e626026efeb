using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics;

namespace OrleansSweeps.Engine.Training;

/// <summary>
/// One training run: replicate m of a sweep point, from θ0 (or its latest checkpoint) to the last
/// step, recording <see cref="CurveRow"/>s at the spec's recorded steps. Deterministic: the same spec,
/// replicate and device give identical rows, whether or not the run was interrupted and resumed.
/// </summary>
public sealed class TrainingRun(RunSpec spec, int replicate, string device)
{
    /// <summary>Called after every update with the number of updates done.</summary>
    public Action<int>? Progress { get; init; }

    private readonly List<StatsRow> _stats = [];

    /// <summary>Called at each recorded step where moments were taken (to store the per-parameter vectors).</summary>
    public Action<int, GradientMoments>? MomentsRecorded { get; init; }

    /// <summary>Gradient-statistics rows recorded by the last <see cref="Execute"/> (per tensor and model, per recorded step).</summary>
    public IReadOnlyList<StatsRow> Stats => _stats;

    /// <summary>Checkpoint storage; null: no checkpoints.</summary>
    public ICheckpointStore? Checkpoints { get; init; }

    /// <summary>
    /// A periodic checkpoint (every <c>checkpoint_every</c> updates) is skipped when less wall time than this
    /// has passed since the last one or since the activation began: a crash then costs at most this much
    /// recomputation, and short runs do not spend their time writing state. Runs are deterministic, so which
    /// checkpoints exist never changes a result. A cancellation checkpoint is always written. Default zero.
    /// </summary>
    public TimeSpan CheckpointMinInterval { get; init; }

    /// <summary>θ0's seed for this replicate (shared by all replicates unless <c>model.share_init</c> is false).</summary>
    public ulong InitSeed => spec.Model.ShareInit
        ? SeedScheme.Derive(spec.Seed, "init")
        : SeedScheme.Derive(spec.Seed, "init", replicate);

    /// <summary>
    /// Trains on <paramref name="trainData"/> and evaluates on <paramref name="testData"/>. On cancellation, saves a
    /// checkpoint at the current step (when a store is set) and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public IReadOnlyList<CurveRow> Execute(Examples train, TensorData trainData, TensorData testData, CancellationToken cancel = default)
    {
        var training = spec.Training;
        var input = train.ExampleShape;
        using var model = NativeModel.Create(ModelArchitecture.For(spec.Model, input, train.Outputs), spec.Model.Precision, device, InitSeed, spec.Model.Init);
        using var trainer = Trainer.Create(model, training, SeedScheme.Derive(spec.Seed, "trainer", replicate));
        var recorded = new HashSet<int>(spec.Record.Resolve(training.Steps));
        var batches = new MinibatchOrder(train.Count, training.Optimizer == OptimizerKind.Gd ? train.Count : training.BatchSize, spec.Seed, replicate);
        var rows = new List<CurveRow>();
        _stats.Clear();
        var recorder = spec.Stats.Moments || spec.Stats.MgsBatch > 0 ? new StatsRecorder(spec, replicate, model, trainData, train.Count, train.Outputs) : null;
        var diagnostics = DiagnosticsRecorder.For(spec, replicate, model, trainData, train);
        var step = 0;
        var sinceCheckpoint = System.Diagnostics.Stopwatch.StartNew();

        if (Checkpoints?.LoadLatest() is { } checkpoint)
        {
            trainer.LoadState(checkpoint.TrainerState);
            rows.AddRange(checkpoint.Rows);
            _stats.AddRange(checkpoint.Stats);
            diagnostics?.Restore(checkpoint.FirstLearned);
            step = checkpoint.Step;
        }

        for (; ; step++)
        {
            if (cancel.IsCancellationRequested)
            {
                Checkpoints?.Save(Snapshot(step, rows, trainer, diagnostics));
                cancel.ThrowIfCancellationRequested();
            }
            var lr = LearningRateSchedule.At(training, step);
            CurveRow? row = null;
            StatsRecorder.Measurement? measurement = null;
            var batch = batches.FullBatch ? default : batches.Batch(step);
            if (recorded.Contains(step))
            {
                var tr = model.Evaluate(trainData);
                var te = model.Evaluate(testData);
                row = new CurveRow(step, lr, tr.Loss, tr.Accuracy, te.Loss, te.Accuracy, double.NaN, double.NaN)
                {
                    Diagnostics = diagnostics?.Measure(step, tr.Accuracy, te.Accuracy, batch),
                };
                measurement = recorder?.Measure(step, batch);
                if (measurement?.Moments is { } moments) MomentsRecorded?.Invoke(step, moments);
            }
            if (step == training.Steps)
            {
                if (row is not null) rows.Add(row);
                if (measurement is not null) _stats.AddRange(recorder!.Complete(measurement, updated: false));
                break;
            }

            try
            {
                trainer.Step(trainData, batch, lr);
            }
            catch (NativeException e) when (e.Status == NativeStatus.Diverged)
            {
                throw new RunDivergedException(step, lr, e.Detail);
            }

            if (row is not null)
            {
                if (training.Optimizer == OptimizerKind.Gd)
                {
                    // eq. 23 needs L and L' one gradient-descent step later.
                    row = row with { TrainLossNext = model.Evaluate(trainData).Loss, TestLossNext = model.Evaluate(testData).Loss };
                }
                rows.Add(row);
            }
            if (measurement is not null) _stats.AddRange(recorder!.Complete(measurement, updated: true));
            Progress?.Invoke(step + 1);
            if (Checkpoints is not null && spec.CheckpointEvery > 0 && (step + 1) % spec.CheckpointEvery == 0 && step + 1 < training.Steps
                && sinceCheckpoint.Elapsed >= CheckpointMinInterval)
            {
                Checkpoints.Save(Snapshot(step + 1, rows, trainer, diagnostics));
                sinceCheckpoint.Restart();
            }
        }
        return rows;
    }

    private Checkpoint Snapshot(int step, List<CurveRow> rows, Trainer trainer, DiagnosticsRecorder? diagnostics) =>
        new(step, rows, trainer.SaveState()) { Stats = _stats, FirstLearned = diagnostics?.Learned?.FirstLearned ?? [] };
}
