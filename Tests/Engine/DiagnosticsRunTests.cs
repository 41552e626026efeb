using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>Coherent-gradients diagnostics recorded by whole runs: columns, invariants and exact resume.</summary>
public sealed class DiagnosticsRunTests
{
    private static RunSpec Spec(string stats) => SpecBuilder.Single($"""
        name: diagnostics-test
        seed: 3
        replicates: 1
        train_size: 60
        checkpoint_every: 4
        dataset:
          kind: two-circles
          noise: 0.1
          test_size: 100
          label_noise: {"{mode: permute, fraction: 0.3}"}
        model:
          kind: mlp
          hidden: [16]
        training:
          optimizer: sgd
          batch_size: 10
          lr: 0.5
          steps: 12
        record:
          every: 2
        {stats}
        """);

    private const string AllDiagnostics = "stats: {coherence: true, null_worlds: 5, learned: true}";

    [Fact]
    public void Rows_carry_overfit_attribution_null_worlds_and_learned_shares()
    {
        var rows = TrainingRunTests.Run(Spec(AllDiagnostics));

        Assert.Equal(7, rows.Count);
        var csv = CurveRow.ToCsv(rows);
        Assert.StartsWith(CurveRow.CsvHeader + "," + Diagnostics.CsvHeader + "\n", csv);
        double pristine = 0, corrupt = 0;
        foreach (var row in rows)
        {
            var d = row.Diagnostics!;
            Assert.Equal(1.0, d.FPristine + d.FCorrupt, 12);
            Assert.Equal(row.TrainAccuracy - (0.7 * row.TestAccuracy + 0.3 / 2), d.Overfit, 12);
            Assert.True(d.FPristineNullSd > 0, "five null worlds differ");
            Assert.InRange(d.FPristineNullMean, -5, 5);
            Assert.True(d.LearnedPristine >= pristine && d.LearnedCorrupt >= corrupt, "learned shares never fall");
            (pristine, corrupt) = (d.LearnedPristine, d.LearnedCorrupt);
        }
        Assert.True(pristine > 0.5, $"most pristine examples are learned (got {pristine})");
        Assert.Equal(csv, CurveRow.ToCsv(CurveRow.ParseCsv(csv, "curves.csv")));
    }

    [Fact]
    public void Noise_alone_records_overfit_and_nothing_else()
    {
        var rows = TrainingRunTests.Run(Spec(""));
        Assert.All(rows, r =>
        {
            Assert.False(double.IsNaN(r.Diagnostics!.Overfit));
            Assert.True(double.IsNaN(r.Diagnostics.FPristine) && double.IsNaN(r.Diagnostics.LearnedPristine));
        });
    }

    [Fact]
    public void Cancelled_run_resumes_to_the_same_diagnostics()
    {
        var spec = Spec(AllDiagnostics);
        var uninterrupted = CurveRow.ToCsv(TrainingRunTests.Run(spec));
        using var dir = new TempDirectory();
        var store = new DirectoryCheckpointStore(dir.Path);
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => TrainingRunTests.Run(spec, store: store, progress: done =>
        {
            if (done == 7) cancel.Cancel();
        }, cancel: cancel.Token));

        Assert.Equal(uninterrupted, CurveRow.ToCsv(TrainingRunTests.Run(spec, store: store)));
    }
}
