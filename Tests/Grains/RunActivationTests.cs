using System.Text;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Sqlite;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Grains;

/// <summary>RunActivation over the real SQLite ledger and file blobs: fencing of a replaced holder, and falling back past a corrupt checkpoint.</summary>
public sealed class RunActivationTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(1);

    private static readonly string Yaml = SpecBuilder.ToyYaml.Replace("replicates: 2", "replicates: 1") + "\ncheckpoint_every: 5\n";

    [Fact]
    public async Task A_replaced_holder_is_fenced_off_at_its_first_write_and_stores_nothing()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        await using var ledger = SqliteLedger.OpenInHome(dir.Path, clock);
        var blobs = FileBlobStore.OpenInHome(dir.Path);
        var sweep = Submit(ledger, blobs);
        var stale = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();
        clock.Advance(LeaseDuration * 2);
        var current = (await ledger.ClaimRunsAsync("b", 1, LeaseDuration)).Single();
        Assert.True(current.Lease.Token > stale.Lease.Token);

        var outcome = Activate(sweep, stale, ledger, blobs, CancellationToken.None);

        Assert.True(outcome.FenceLost);
        var id = stale.Run;
        Assert.Empty(await ledger.ReadReportsAsync(new AggregateId(id.Sweep, id.Point, 0)));
        Assert.False(await blobs.ExistsAsync(BlobKeys.Curves(id)));
        Assert.Equal(new RunCounts(0, 1, 0, 0), (await ledger.GetSweepStatusAsync(id.Sweep))!.Runs);

        // The current holder is unaffected: it trains, reports every recorded step and completes.
        var done = Activate(sweep, current, ledger, blobs, CancellationToken.None);
        Assert.False(done.FenceLost);
        Assert.Equal(new RunCounts(0, 0, 1, 0), (await ledger.GetSweepStatusAsync(id.Sweep))!.Runs);
        foreach (var step in new[] { 0, 5, 10, 15, 20 })
            Assert.Single(await ledger.ReadReportsAsync(new AggregateId(id.Sweep, id.Point, step)));
    }

    [Fact]
    public async Task A_corrupt_checkpoint_is_skipped_and_the_run_resumes_from_the_one_before_to_the_same_curves()
    {
        using var reference = new TempDirectory();
        var expected = await RunToEnd(reference.Path, corruptNewestAfterStep: null);
        using var dir = new TempDirectory();
        var warnings = new List<string>();
        var actual = await RunToEnd(dir.Path, corruptNewestAfterStep: 12, warnings);
        Assert.Contains(warnings, w => w.Contains("skipping corrupt checkpoint", StringComparison.Ordinal) && w.Contains("000000012.ckpt", StringComparison.Ordinal));
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// Trains the one run to the end and returns its curves.csv; with <paramref name="corruptNewestAfterStep"/>, first drains
    /// it after that many updates (checkpoints 5, 10 and the drain's 12 are written, 10 and 12 kept), flips a byte in the
    /// newest checkpoint, and resumes under a new claim.
    /// </summary>
    private static async Task<string> RunToEnd(string home, int? corruptNewestAfterStep, List<string>? warnings = null)
    {
        await using var ledger = SqliteLedger.OpenInHome(home);
        var blobs = FileBlobStore.OpenInHome(home);
        var sweep = Submit(ledger, blobs);
        var claim = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();
        if (corruptNewestAfterStep is { } stopAt)
        {
            using var drain = new CancellationTokenSource();
            Assert.Throws<OperationCanceledException>(() => Activate(sweep, claim, ledger, blobs, drain.Token, step =>
            {
                if (step == stopAt) drain.Cancel();
            }));
            Assert.True(await ledger.ReleaseAsync(claim.Lease));
            var key = BlobKeys.Checkpoint(claim.Run, stopAt);
            var bytes = (await blobs.GetAsync(key))!.Content;
            bytes[bytes.Length / 2] ^= 0xFF;
            await blobs.PutAsync(key, bytes);
            Assert.True(await blobs.ExistsAsync(BlobKeys.Checkpoint(claim.Run, 10)), "the checkpoint to fall back to");
            claim = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();
            Assert.Equal(stopAt, claim.CheckpointStep);
        }
        var outcome = Activate(sweep, claim, ledger, blobs, CancellationToken.None, warn: warnings is null ? null : warnings.Add);
        Assert.NotNull(outcome.Curves);
        return Encoding.UTF8.GetString((await blobs.GetAsync(BlobKeys.Curves(claim.Run)))!.Content);
    }

    private static SweepSpec Submit(ILedger ledger, IBlobStore blobs)
    {
        var spec = SpecBuilder.Parse(Yaml);
        new SweepCatalog("s", new LedgerSweepStore(ledger, blobs)).Submit(spec);
        return spec;
    }

    private static RunOutcome Activate(SweepSpec sweep, RunClaim claim, ILedger ledger, IBlobStore blobs, CancellationToken drain,
        Action<int>? progress = null, Action<string>? warn = null)
    {
        var spec = sweep.Points[claim.Run.Point].Spec;
        var data = DataPlan.For(spec);
        using var test = TensorData.Upload(data.Test, spec.Model.Precision, "cpu");
        var grain = new RunActivation(claim.Run, spec, "cpu", new BlobRunStore(blobs, claim.Run, warn), new LedgerRunLease(ledger, claim.Lease, CancellationToken.None))
        {
            Progress = progress,
        };
        return grain.Activate(data, test, drain);
    }
}
