using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>Gradient statistics recorded by training runs (spec <c>stats:</c>), checked against independent computations.</summary>
public sealed class StatsRecordingTests
{
    private const string Yaml = """
        name: stats-test
        seed: 5
        replicates: 3
        train_size: 40
        dataset: {kind: two-circles, noise: 0.2, test_size: 64}
        model: {kind: mlp, hidden: [6, 5], precision: float64}
        training: {optimizer: gd, lr: 0.2, steps: 12}
        record: {steps: [0, 5, 12]}
        checkpoint_every: 4
        stats: {moments: true, signs: true, vectors: true, mgs_batch: 4}
        """;

    [Fact]
    public void Rows_per_tensor_and_model_match_an_independent_summary_of_the_moments()
    {
        var spec = SpecBuilder.Single(Yaml);
        var (run, vectors) = Execute(spec, replicate: 0);
        // 3 linear layers → 6 tensors + the model row, at each of 3 recorded steps.
        Assert.Equal(3 * 7, run.Stats.Count);
        Assert.Equal([0, 5, 12], vectors.Keys.Order());

        // θ0 and the training set are reproducible, so the step-0 moments can be recomputed independently.
        var data = DataPlan.For(spec);
        var train = data.TrainingSet(0);
        using var model = NativeModel.Create(ModelArchitecture.For(spec.Model, train.ExampleShape, train.Outputs), Precision.Float64, "cpu",
            new TrainingRun(spec, 0, "cpu").InitSeed, InitScheme.Pytorch);
        using var trainData = TensorData.Upload(train, Precision.Float64, "cpu");
        var loop = GradientMomentsTests.Loop(model, trainData, train.Count);
        var weights = model.GetParameters();
        var sizes = model.ParameterSizes();

        var offset = 0;
        for (var t = 0; t <= sizes.Length; t++)
        {
            var (from, count) = t < sizes.Length ? (offset, (int)sizes[t]) : (0, weights.Length);
            var row = run.Stats.Single(r => r.Step == 0 && r.Tensor == (t < sizes.Length ? t : -1));
            var g = loop.Mean.AsSpan(from, count).ToArray();
            var rho2 = Enumerable.Range(from, count).Select(j => Math.Max(0, loop.Second[j] - loop.Mean[j] * loop.Mean[j])).ToArray();
            var r = g.Zip(rho2, (a, v) => a * a / (v + GradientMoments.GsnrEpsilon)).ToArray();
            NumericAssert.Close(g.Sum(x => x * x), row.SumG2, 1e-9, 1e-300, $"{row.TensorName} Σg²");
            NumericAssert.Close(rho2.Sum(), row.SumRho2, 1e-6, 1e-12, $"{row.TensorName} Σρ²");
            NumericAssert.Close(NaiveMedian(r), row.GsnrMedian, 1e-6, 1e-12, $"{row.TensorName} median r");
            NumericAssert.Close(r.Average(), row.GsnrMean, 1e-6, 1e-12, $"{row.TensorName} mean r");
            NumericAssert.Close(NumpyQuantile(r, 0.1), row.GsnrQ10, 1e-6, 1e-12, $"{row.TensorName} q10 r");
            NumericAssert.Close(NumpyQuantile(r, 0.9), row.GsnrQ90, 1e-6, 1e-12, $"{row.TensorName} q90 r");
            // SCIENCE.md §1: parameters whose gradient is zero for every example are left out of the mean.
            var sameSign = Enumerable.Range(from, count).Where(j => loop.Signed(j) > 0).Average(loop.PSameSign);
            Assert.Equal(sameSign, row.PSameSignMean, 12);
            var opposed = Enumerable.Range(from, count).Count(j => weights[j] * loop.Mean[j] < 0) / (double)count;
            Assert.Equal(opposed, row.WgNegShare);
            if (t < sizes.Length) offset += count;
        }
        var modelRow = run.Stats.Single(r => r.Step == 0 && r.Tensor == -1);
        var top = Enumerable.Range(0, weights.Length).OrderByDescending(j => Math.Abs(weights[j])).Take((weights.Length + 9) / 10).ToArray();
        Assert.Equal(top.Count(j => weights[j] * loop.Mean[j] < 0) / (double)top.Length, modelRow.WgNegShareTop10);

        // One gradient-descent update by hand, then the correlation of the change of g with θ0.
        using var trainer = Trainer.Create(model, spec.Training, 1);
        trainer.Step(trainData, [], spec.Training.LearningRate);
        var next = model.LossGradient(trainData).Gradient;
        var change = next.Zip(loop.Mean, (a, b) => a - b).ToArray();
        NumericAssert.Close(Correlation(change, weights), modelRow.DgWCorrelation, 1e-6, 1e-9, "corr(Δg, W)");
        Assert.Equal(run.Stats.Where(r => r.Step == 0 && r.Tensor >= 0).Sum(r => r.SumG2), modelRow.SumG2, 12);
        Assert.True(modelRow.MgsTrace > 0);
        Assert.Equal(0, modelRow.MgsSingular);
        Assert.True(double.IsFinite(modelRow.DgWCorrelation));
        Assert.True(double.IsNaN(run.Stats.Single(r => r.Step == 12 && r.Tensor == -1).DgWCorrelation)); // no update after the last step
        Assert.True(double.IsNaN(run.Stats.Single(r => r.Step == 0 && r.Tensor == 0).MgsTrace)); // the kernel is a model-level metric
    }

    [Fact]
    public void Batch_mode_takes_the_moments_over_the_update_minibatch()
    {
        var spec = SpecBuilder.Single(Yaml
            .Replace("training: {optimizer: gd, lr: 0.2, steps: 12}", "training: {optimizer: sgd, lr: 0.2, steps: 12, batch_size: 8}")
            .Replace("stats: {moments: true, signs: true, vectors: true, mgs_batch: 4}", "stats: {moments: true, examples: batch}"));
        var (run, _) = Execute(spec, replicate: 0);

        var data = DataPlan.For(spec);
        var train = data.TrainingSet(0);
        using var model = NativeModel.Create(ModelArchitecture.For(spec.Model, train.ExampleShape, train.Outputs), Precision.Float64, "cpu",
            new TrainingRun(spec, 0, "cpu").InitSeed, InitScheme.Pytorch);
        using var trainData = TensorData.Upload(train, Precision.Float64, "cpu");
        var batch = new MinibatchOrder(train.Count, 8, spec.Seed, 0).Batch(0).ToArray();
        var loop = GradientMomentsTests.Loop(model, trainData, batch);
        var row = run.Stats.Single(r => r.Step == 0 && r.Tensor == -1);
        NumericAssert.Close(loop.Mean.Sum(g => g * g), row.SumG2, 1e-9, 1e-300, "Σg² over the minibatch");
        Assert.True(double.IsNaN(row.PSameSignMean)); // signs not asked for
    }

    [Fact]
    public void Recorded_vectors_round_trip_and_match_the_stats_rows()
    {
        var spec = SpecBuilder.Single(Yaml);
        var (run, vectors) = Execute(spec, replicate: 1);
        var copy = MomentVectors.Deserialize(vectors[5], "moments/000000005.bin");
        var row = run.Stats.Single(r => r.Step == 5 && r.Tensor == -1);
        NumericAssert.Close(row.SumG2, copy.Mean.Sum(v => (double)v * v), 1e-6, 1e-300, "Σg² from float32 vectors");
        NumericAssert.Close(row.SumRho2, copy.Variance.Sum(v => (double)v), 1e-6, 1e-300, "Σρ² from float32 vectors");
        Assert.Equal(row.Parameters, copy.Mean.Length);
    }

    [Fact]
    public void Eq22_equals_eq19_on_recorded_vectors_and_eq19_from_scalars_agrees()
    {
        var spec = SpecBuilder.Single(Yaml);
        var replicates = Enumerable.Range(0, spec.Replicates).Select(m => Execute(spec, m)).ToArray();
        foreach (var step in new[] { 0, 5, 12 })
        {
            var vectors = replicates.Select(r => MomentVectors.Deserialize(r.Vectors[step], "mem")).ToArray();
            var osgr = new OsgrEstimator(vectors.Select(v => ((IReadOnlyList<float>)v.Mean, (IReadOnlyList<float>)v.Variance)).ToArray(), spec.TrainSize);
            NumericAssert.Close(osgr.Rhs(), osgr.RhsWeighted(), 1e-12, 1e-300, $"eq. 22 vs eq. 19 at step {step}");
            // eq. 19 needs only per-run scalars: Σρ² and Σg² from each run's model row.
            var rows = replicates.Select(r => r.Run.Stats.Single(s => s.Step == step && s.Tensor == -1)).ToArray();
            var fromScalars = 1 - rows.Average(r => r.SumRho2) / (spec.TrainSize * rows.Average(r => r.SumG2));
            NumericAssert.Close(fromScalars, osgr.Rhs(), 1e-5, 1e-300, $"eq. 19 from scalars at step {step}");
            Assert.InRange(osgr.NegativeGsnrShare(), 0, 1);
        }
    }

    [Fact]
    public void Resumed_runs_record_identical_statistics()
    {
        var spec = SpecBuilder.Single(Yaml);
        var (reference, _) = Execute(spec, 2);
        using var dir = new TempDirectory();
        var store = new DirectoryCheckpointStore(dir.Path);
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => Execute(spec, 2, store, step => { if (step == 7) cancel.Cancel(); }, cancel.Token));
        var (resumed, _) = Execute(spec, 2, store);
        Assert.Equal(StatsRow.ToCsv(reference.Stats), StatsRow.ToCsv(resumed.Stats));
    }

    private static (TrainingRun Run, Dictionary<int, byte[]> Vectors) Execute(RunSpec spec, int replicate, ICheckpointStore? store = null,
        Action<int>? progress = null, CancellationToken cancel = default)
    {
        var data = DataPlan.For(spec);
        var train = data.TrainingSet(replicate);
        using var trainData = TensorData.Upload(train, spec.Model.Precision, "cpu");
        using var testData = TensorData.Upload(data.Test, spec.Model.Precision, "cpu");
        var vectors = new Dictionary<int, byte[]>();
        var run = new TrainingRun(spec, replicate, "cpu")
        {
            Checkpoints = store,
            Progress = progress,
            MomentsRecorded = (step, m) => vectors[step] = MomentVectors.From(m).Serialize(),
        };
        run.Execute(train, trainData, testData, cancel);
        return (run, vectors);
    }

    private static double Correlation(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        var cov = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        return cov / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }

    /// <summary>numpy.quantile's default: position q·(n−1) in the sorted values, linearly interpolated.</summary>
    private static double NumpyQuantile(double[] values, double q)
    {
        var sorted = values.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var below = (int)position;
        return below + 1 < sorted.Length ? sorted[below] * (1 - (position - below)) + sorted[below + 1] * (position - below) : sorted[below];
    }

    private static double NaiveMedian(double[] values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    [Fact]
    public void Stats_csv_names_tensors_and_leaves_unrecorded_values_empty()
    {
        var row = new StatsRow(3, 2, 10, 1.5, 1, 0.5, 2, 4, 5, double.NaN, 0.25, 0.5, double.NaN, double.NaN, double.NaN, double.NaN);
        var csv = StatsRow.ToCsv([row, row with { Tensor = -1 }]).Split('\n');
        Assert.Equal(StatsRow.CsvHeader, csv[0]);
        Assert.Equal("3,1.weight,10,1.5,1,0.5,2,4,5,,0.25,0.5,,,,", csv[1]);
        Assert.StartsWith("3,model,", csv[2], StringComparison.Ordinal);
    }
}
