using Microsoft.Data.Sqlite;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>Gradient statistics through the console: what a run with <c>stats:</c> writes beside its curves.</summary>
public sealed class StatsCliTests
{
    [Fact]
    public void A_run_with_stats_writes_curve_columns_per_tensor_rows_and_moment_vectors()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("spec.yaml");
        File.WriteAllText(spec, SpecBuilder.ToyYaml.Replace("replicates: 2", "replicates: 1") + "\nstats: {moments: true, signs: true, vectors: true, mgs_batch: 3}\n");
        var result = Cli.Run(dir.Path, "run", spec, "--home", dir.Combine("h"), "--id", "s");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var run = dir.Combine("h", "blobs", "sweeps", "s", "runs", "p0000", "r000");
        var curves = File.ReadAllLines(Path.Combine(run, "curves.csv"));
        Assert.Equal(CurveRow.CsvHeader + "," + ModelStats.CsvHeader, curves[0]);
        Assert.Equal(1 + 5, curves.Length); // header, steps 0, 5, 10, 15, 20

        // MLP 2→8→1: tensors 0.weight, 0.bias, 1.weight, 1.bias, then the model row, per recorded step.
        var stats = File.ReadAllLines(Path.Combine(run, "stats.csv"));
        Assert.Equal(StatsRow.CsvHeader, stats[0]);
        Assert.Equal(1 + 5 * 5, stats.Length);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "model"], stats.Skip(1).Take(5).Select(l => l.Split(',')[1]));
        var modelRow = stats[5].Split(',');
        var curveStats = curves[1].Split(',');
        Assert.Equal(modelRow[3], curveStats[8]);  // gsnr_mean is the same number in both files
        Assert.Equal(modelRow[7], curveStats[10]); // sum_g2

        // The vectors of all five recorded steps went out in one batch (one report, no checkpoint in between);
        // step 20's report names its range.
        var batch = Assert.Single(Directory.GetFiles(Path.Combine(run, "moments")));
        Assert.Equal("000000000-000000020.bin", Path.GetFileName(batch));
        using var ledger = new SqliteConnection($"Data Source={dir.Combine("h", "ledger.db")};Mode=ReadOnly;Pooling=False");
        ledger.Open();
        using var query = ledger.CreateCommand();
        query.CommandText = "SELECT payload FROM reports WHERE point = 0 AND replicate = 0 AND step = 20";
        var at = StepReportPayload.Parse((string)query.ExecuteScalar()!, "report of step 20").Moments!;
        var last = MomentVectors.Deserialize(File.ReadAllBytes(batch).AsSpan((int)at.Offset, at.Length).ToArray(), batch);
        Assert.Equal(8 * 2 + 8 + 8 + 1, last.Mean.Length);

        // Finished runs are read back (curves with stats columns parse) rather than retrained.
        var again = Cli.Run(dir.Path, "run", spec, "--home", dir.Combine("h"), "--id", "s");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("already done", again.Stderr);
    }
}
