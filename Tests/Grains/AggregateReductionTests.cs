using System.Runtime.InteropServices;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Storage;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Grains.Aggregates;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Sqlite;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Grains;

/// <summary>
/// AggregateReduction over the real SQLite ledger and file blobs, fed reports whose moment vectors lie at
/// ranges inside per-replicate batch blobs (as <c>StepReporter</c> writes them): the cross-run columns equal
/// SCIENCE.md §2 eq. 21/22/24 computed here from the vectors, and a locator that leaves the run's moments or
/// a range that is cut short is refused with one error naming it, with nothing completed.
/// </summary>
public sealed class AggregateReductionTests : IDisposable
{
    private const int Replicates = 3;
    private const int Parameters = 9;
    private const int TrainSize = 64;
    private static readonly int[] Steps = [0, 5, 10];

    private static readonly string Yaml = SpecBuilder.ToyYaml.Replace("replicates: 2", $"replicates: {Replicates}", StringComparison.Ordinal)
        .Replace("steps: 20", "steps: 10", StringComparison.Ordinal) + "\nstats: {moments: true, vectors: true}\n";

    private readonly TempDirectory _home = new();

    [Fact]
    public async Task Cross_run_columns_from_ranges_inside_batch_blobs_equal_eq_21_22_24_computed_from_the_vectors()
    {
        var (ledger, blobs, spec) = await Setup();
        await using var _ = ledger;

        var results = await AggregateAll(ledger, blobs, spec);

        Assert.Equal(Steps, results.Keys.Order());
        foreach (var step in Steps)
        {
            var result = results[step];
            var vectors = Enumerable.Range(0, Replicates).Select(m => Vectors(m, step)).ToArray();
            var expected = Reference(vectors, TrainSize);
            AssertClose(expected.Rhs, result["osgr_rhs_vectors"], $"osgr_rhs_vectors (eq. 19/24) at step {step}");
            AssertClose(expected.Weighted, result["osgr_rhs_weighted"], $"osgr_rhs_weighted (eq. 22) at step {step}");
            AssertClose(expected.GsnrMean, result["cross_gsnr_mean"], $"cross_gsnr_mean (eq. 21) at step {step}");
            Assert.Equal(expected.NegativeShare, result["cross_gsnr_negative_share"]);
            // SCIENCE.md §2: the weighted form equals eq. 19 with these estimators; and eq. 19 from the per-run
            // scalars Σρ², Σg² (which the reports carry) equals the one from the vectors.
            AssertClose(result["osgr_rhs_vectors"], result["osgr_rhs_weighted"], "eq. 22 = eq. 19", 1e-8); // r_j + 1/n cancels where r_j < 0
            AssertClose(result["osgr_rhs_vectors"], result["osgr_rhs"], "eq. 19 from scalars = from vectors", 1e-9);

            // The per-parameter r_j blob, element by element (+∞ where every ρ² is 0).
            var id = new AggregateId("s", 0, step);
            var (_, payload) = BinaryEnvelope.Unwrap((await blobs.GetAsync(BlobKeys.Aggregate(id)))!.Content, AggregateReduction.CrossRunGsnrKind, "test");
            var gsnr = MemoryMarshal.Cast<byte, double>(payload).ToArray();
            Assert.Equal(Parameters, gsnr.Length);
            for (var j = 0; j < Parameters; j++)
            {
                if (double.IsPositiveInfinity(expected.R[j])) Assert.True(double.IsPositiveInfinity(gsnr[j]), $"r_{j} at step {step}: expected +∞, got {gsnr[j]:R}");
                else AssertClose(expected.R[j], gsnr[j], $"r_{j} at step {step}");
            }
        }
    }

    [Theory]
    [InlineData("another replicate's blob")]
    [InlineData("the run's curves")]
    [InlineData("a parent segment")]
    [InlineData("a range past the end")]
    [InlineData("a range cut short")]
    [InlineData("a range shifted by one byte")]
    [InlineData("a missing blob")]
    public async Task A_locator_outside_the_runs_moments_or_a_cut_range_is_refused_naming_it(string tampering)
    {
        var (ledger, blobs, spec) = await Setup((replicate, step, at) => replicate != 1 || step != 5 ? at : tampering switch
        {
            "another replicate's blob" => at with { Key = at.Key.Replace("/r001/", "/r000/", StringComparison.Ordinal) },
            "the run's curves" => at with { Key = BlobKeys.Curves(new RunId("s", 0, 1)) },
            "a parent segment" => at with { Key = at.Key.Replace("/moments/", "/moments/../../r000/moments/", StringComparison.Ordinal) },
            "a range past the end" => at with { Offset = at.Offset + 1_000_000 },
            "a range cut short" => at with { Length = at.Length - 1 },
            "a range shifted by one byte" => at with { Offset = at.Offset + 1 },
            "a missing blob" => at with { Key = at.Key.Replace(".bin", "x.bin", StringComparison.Ordinal) },
            _ => throw new ArgumentOutOfRangeException(nameof(tampering)),
        });
        await using var _ = ledger;
        var ready = await ledger.ListPendingAggregatesAsync("s");
        var bad = ready.Single(a => a.Step == 5);

        var error = Assert.Throws<InvalidDataException>(() => new AggregateReduction(bad, spec, new LedgerAggregateStore(ledger, blobs, bad)).Activate());

        var report = StepReportPayload.Parse((await ledger.ReadReportsAsync(bad))[1].Payload, "test");
        Assert.Contains(report.Moments!.Key, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains(tampering switch
        {
            "a range past the end" => "truncated",
            "a range shifted by one byte" or "a range cut short" => "bytes",
            "a missing blob" => "missing",
            _ => "outside the run's 'sweeps/s/runs/p0000/r001/moments/'",
        }, error.Message, StringComparison.Ordinal);
        Assert.Null(await ledger.ReadAggregateResultAsync(bad));
        Assert.Equal(new AggregateCounts(Steps.Length, 0), (await ledger.GetSweepStatusAsync("s"))!.Aggregates);
        // The other steps of the same replicate, from the same blob, are unaffected.
        foreach (var good in ready.Where(a => a.Step != 5))
            Assert.NotNull(new AggregateReduction(good, spec, new LedgerAggregateStore(ledger, blobs, good)).Activate());
    }

    /// <summary>
    /// A sweep of one point whose M runs each wrote their steps' vectors as one batch blob (replicate m's steps in a
    /// different order of sizes: the ranges do not line up across replicates) and reported every step in one call.
    /// </summary>
    private async Task<(SqliteLedger Ledger, FileBlobStore Blobs, RunSpec Spec)> Setup(Func<int, int, MomentsLocator, MomentsLocator>? tamper = null)
    {
        var ledger = SqliteLedger.OpenInHome(_home.Path);
        var blobs = FileBlobStore.OpenInHome(_home.Path);
        var sweep = SpecBuilder.Parse(Yaml);
        new SweepCatalog("s", new LedgerSweepStore(ledger, blobs)).Submit(sweep);
        var spec = sweep.Points[0].Spec;
        Assert.True(spec.Stats.Vectors);
        Assert.Equal(TrainSize, spec.TrainSize);
        for (var m = 0; m < Replicates; m++)
        {
            var run = new RunId("s", 0, m);
            // A leading envelope of another shape first, so no range starts at offset 0 by accident.
            var envelopes = new List<byte[]> { new MomentVectors(new float[m + 1], new float[m + 1]).Serialize() };
            envelopes.AddRange(Steps.Select(step => Vectors(m, step).Serialize()));
            var batch = envelopes.SelectMany(e => e).ToArray();
            var key = BlobKeys.Moments(run, Steps[0], Steps[^1]);
            await blobs.PutAsync(key, batch);
            var offset = (long)envelopes[0].Length;
            var payloads = new List<StepPayload>();
            for (var i = 0; i < Steps.Length; i++)
            {
                var at = new MomentsLocator(key, offset, envelopes[i + 1].Length);
                offset += envelopes[i + 1].Length;
                payloads.Add(new StepPayload(Steps[i], StepReportPayload.Format(Row(m, Steps[i]), tamper?.Invoke(m, Steps[i], at) ?? at)));
            }
            await ledger.RecordReportsAsync(run, payloads);
        }
        return (ledger, blobs, spec);
    }

    private static async Task<Dictionary<int, AggregateResult>> AggregateAll(ILedger ledger, IBlobStore blobs, RunSpec spec)
    {
        var results = new Dictionary<int, AggregateResult>();
        foreach (var aggregate in await ledger.ListPendingAggregatesAsync("s"))
            results[aggregate.Step] = new AggregateReduction(aggregate, spec, new LedgerAggregateStore(ledger, blobs, aggregate)).Activate();
        return results;
    }

    /// <summary>
    /// Replicate m's g and ρ² at a step: deterministic, of mixed signs and magnitudes, with parameter 0 at ρ² = 0 in
    /// every replicate (r_0 = +∞) and parameter 1 noisy enough that its r is negative.
    /// </summary>
    private static MomentVectors Vectors(int m, int step)
    {
        var random = new Random(1000 * step + m);
        var mean = new float[Parameters];
        var variance = new float[Parameters];
        for (var j = 0; j < Parameters; j++)
        {
            mean[j] = (float)((random.NextDouble() - 0.3) * Math.Pow(10, -j % 3));
            variance[j] = j == 0 ? 0f : (float)(random.NextDouble() * Math.Pow(10, 1 - j % 4));
        }
        mean[1] = 1e-4f * (m + 1);
        variance[1] = 50f;
        return new MomentVectors(mean, variance);
    }

    /// <summary>A report row whose Σρ² and Σg² are the vectors' sums (so eq. 19 from scalars can be checked too).</summary>
    private static CurveRow Row(int m, int step)
    {
        var v = Vectors(m, step);
        var sumG2 = v.Mean.Sum(g => (double)g * g);
        var sumRho2 = v.Variance.Sum(r => (double)r);
        return new CurveRow(step, 0.05, 1.0 / (step + 1 + m), 0, 1.5 / (step + 1), 0, 0.9 / (step + 1 + m), 1.4 / (step + 1))
        {
            Stats = new ModelStats(0.5 + m, 0.25, sumG2, sumRho2, 0.5, 0.5, double.NaN, double.NaN, double.NaN),
        };
    }

    private sealed record Expected(double Rhs, double Weighted, double GsnrMean, double NegativeShare, double[] R);

    /// <summary>SCIENCE.md §2 written out from the definitions, independently of <see cref="OsgrEstimator"/>.</summary>
    private static Expected Reference(MomentVectors[] runs, int n)
    {
        var count = runs[0].Mean.Length;
        // eq. 24: E[g²_{D,j}] ≈ (1/M) Σ_m g²_{m,j};  ρ²_j ≈ (1/M) Σ_m ρ²_{m,j}.
        var eg2 = Enumerable.Range(0, count).Select(j => runs.Average(r => (double)r.Mean[j] * r.Mean[j])).ToArray();
        var rho2 = Enumerable.Range(0, count).Select(j => runs.Average(r => (double)r.Variance[j])).ToArray();
        // eq. 19: R = 1 − Σ_j ρ²_j / (n Σ_j E[g²_j]).
        var rhs = 1 - rho2.Sum() / (n * eg2.Sum());
        // eq. 21: r_j = (E[g²_j] − ρ²_j / n) / ρ²_j.
        var r = Enumerable.Range(0, count).Select(j => rho2[j] == 0 ? double.PositiveInfinity : (eg2[j] - rho2[j] / n) / rho2[j]).ToArray();
        // eq. 22: R = 1 − (1/n) Σ_j W_j / (r_j + 1/n), W_j = E[g²_j] / Σ E[g²]; a term with r_j = ∞ is 0.
        var weighted = 1 - r.Select((rj, j) => double.IsPositiveInfinity(rj) ? 0 : eg2[j] / eg2.Sum() / (rj + 1.0 / n)).Sum() / n;
        var finite = r.Where(double.IsFinite).ToArray();
        Assert.Contains(r, double.IsPositiveInfinity);
        Assert.Contains(r, rj => rj < 0);
        return new Expected(rhs, weighted, finite.Average(), r.Count(rj => rj < 0) / (double)count, r);
    }

    private static void AssertClose(double expected, double actual, string what, double relative = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    public void Dispose() => _home.Dispose();
}
