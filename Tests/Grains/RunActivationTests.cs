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

/// <summary>
/// RunActivation over the real SQLite catalog and file blobs, behind the fence a RunGrain gives it
/// (<see cref="CatalogFence"/>): a stale activation stops at its first refused state write, and a corrupt checkpoint
/// is skipped for the one before. Under Orleans the refusal comes from the grain state's ETag (shown end to end by
/// <c>ClusterFencingTests</c>); here, what the activation does once refused.
/// </summary>
public sealed class RunActivationTests
{
    private static readonly string Yaml = SpecBuilder.ToyYaml.Replace("replicates: 2", "replicates: 1") + "\ncheckpoint_every: 5\n";

    [Fact]
    public async Task A_stale_activation_stops_at_its_first_refused_state_write_and_stores_no_outcome()
    {
        using var dir = new TempDirectory();
        await using var ledger = SqliteLedger.OpenInHome(dir.Path);
        var blobs = FileBlobStore.OpenInHome(dir.Path);
        var sweep = Submit(ledger, blobs);
        var id = new RunId("s", 0, 0);
        await ledger.StartRunAsync(id, "a");

        var stale = new CatalogFence(ledger, id) { Stale = true };
        var outcome = Activate(sweep, id, stale, blobs, CancellationToken.None);

        Assert.True(outcome.FenceLost);
        Assert.Null(stale.CheckpointStep);
        // Its one write before the refusal: the rows of its first checkpoint (step 5), the bytes the current activation reports.
        Assert.Single(await ledger.ReadReportsAsync(new AggregateId(id.Sweep, id.Point, 0)));
        Assert.Empty(await ledger.ReadReportsAsync(new AggregateId(id.Sweep, id.Point, 5)));
        Assert.False(await blobs.ExistsAsync(BlobKeys.Curves(id)));
        Assert.Equal(new RunCounts(0, 1, 0, 0), (await ledger.GetSweepStatusAsync(id.Sweep))!.Runs);

        // The current activation is unaffected: it trains, reports every recorded step once and completes.
        var current = new CatalogFence(ledger, id);
        var done = Activate(sweep, id, current, blobs, CancellationToken.None);
        Assert.False(done.FenceLost);
        Assert.Equal(15, current.CheckpointStep);
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
    /// newest checkpoint, and resumes in a new activation.
    /// </summary>
    private static async Task<string> RunToEnd(string home, int? corruptNewestAfterStep, List<string>? warnings = null)
    {
        await using var ledger = SqliteLedger.OpenInHome(home);
        var blobs = FileBlobStore.OpenInHome(home);
        var sweep = Submit(ledger, blobs);
        var id = new RunId("s", 0, 0);
        await ledger.StartRunAsync(id, "a");
        if (corruptNewestAfterStep is { } stopAt)
        {
            using var drain = new CancellationTokenSource();
            var drained = new CatalogFence(ledger, id);
            Assert.Throws<OperationCanceledException>(() => Activate(sweep, id, drained, blobs, drain.Token, step =>
            {
                if (step == stopAt) drain.Cancel();
            }));
            Assert.Equal(stopAt, drained.CheckpointStep);
            await ledger.StopRunAsync(id);
            var key = BlobKeys.Checkpoint(id, stopAt);
            var bytes = (await blobs.GetAsync(key))!.Content;
            bytes[bytes.Length / 2] ^= 0xFF;
            await blobs.PutAsync(key, bytes);
            Assert.True(await blobs.ExistsAsync(BlobKeys.Checkpoint(id, 10)), "the checkpoint to fall back to");
            await ledger.StartRunAsync(id, "a");
        }
        var outcome = Activate(sweep, id, new CatalogFence(ledger, id), blobs, CancellationToken.None, warn: warnings is null ? null : warnings.Add);
        Assert.NotNull(outcome.Curves);
        return Encoding.UTF8.GetString((await blobs.GetAsync(BlobKeys.Curves(id)))!.Content);
    }

    private static SweepSpec Submit(ILedger ledger, IBlobStore blobs)
    {
        var spec = SpecBuilder.Parse(Yaml);
        new SweepCatalog("s", new LedgerSweepStore(ledger, blobs)).Submit(spec);
        return spec;
    }

    private static RunOutcome Activate(SweepSpec sweep, RunId id, IRunFence fence, IBlobStore blobs, CancellationToken drain,
        Action<int>? progress = null, Action<string>? warn = null)
    {
        var spec = sweep.Points[id.Point].Spec;
        var data = DataPlan.For(spec);
        using var test = TensorData.Upload(data.Test, spec.Model.Precision, "cpu");
        var grain = new RunActivation(id, spec, "cpu", new BlobRunStore(blobs, id, warn), fence)
        {
            Progress = progress,
        };
        return grain.Activate(data, test, drain);
    }
}
