using System.Text;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Statistics;
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
/// RunActivation over the real SQLite catalog and file blobs, behind the fence a RunGrain gives it
/// (<see cref="CatalogFence"/>), around the batched reports of <c>StepReporter</c>: the checkpoint spacing (<see cref="RunActivation.CheckpointMinInterval"/>), a crash after a checkpoint's reports and before
/// the checkpoint is saved, and stored curves that cannot be trusted.
/// </summary>
public sealed class RunActivationRecoveryTests : IDisposable
{
    private static readonly TimeSpan Never = TimeSpan.FromDays(1);
    private static readonly int[] Recorded = [0, 5, 10, 15, 20];

    // Two replicates (an aggregate needs more than one), 20 updates, a row every 5, checkpoints every 5, moment vectors.
    private static readonly string Yaml = SpecBuilder.ToyYaml + "\ncheckpoint_every: 5\nstats: {moments: true, vectors: true}\n";

    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Checkpoints_follow_the_interval_a_drain_always_writes_one_and_the_curves_never_change()
    {
        var reference = await Home("reference");
        var expected = await TrainReplicate(reference, 0);

        var every = await Home("every");
        Assert.Equal(expected, await TrainReplicate(every, 0, TimeSpan.Zero));
        Assert.Equal(["000000010.ckpt", "000000015.ckpt"], CheckpointFiles(every, 0)); // 5, 10, 15 written; the newest 2 kept
        Assert.Equal(["000000000-000000000.bin", "000000005-000000005.bin", "000000010-000000010.bin", "000000015-000000020.bin"], MomentFiles(every, 0));

        var spaced = await Home("spaced");
        Assert.Equal(expected, await TrainReplicate(spaced, 0, Never));
        Assert.Empty(CheckpointFiles(spaced, 0));
        Assert.Equal(["000000000-000000020.bin"], MomentFiles(spaced, 0)); // every step reported at the end, in one batch

        var drained = await Home("drained");
        var started = await Start(drained, 0);
        using (var drain = new CancellationTokenSource())
        {
            Assert.Throws<OperationCanceledException>(() => Activate(drained, started, drain.Token, Never, progress: step =>
            {
                if (step == 12) drain.Cancel();
            }));
        }
        Assert.Equal(["000000012.ckpt"], CheckpointFiles(drained, 0));
        Assert.Equal(12, started.Fence.CheckpointStep);
        await drained.Ledger.StopRunAsync(started.Run);
        var resumed = await Start(drained, 0);
        Assert.NotNull(Activate(drained, resumed, CancellationToken.None, Never).Curves);
        Assert.Equal(expected, Curves(drained, 0));
        await AssertReportedOnceWithValidVectors(drained, replicates: 1);
    }

    [Fact]
    public async Task A_crash_after_a_checkpoints_reports_and_before_its_save_resumes_to_every_step_reported_once_and_the_same_aggregates()
    {
        var reference = await Home("reference");
        await TrainReplicate(reference, 0, TimeSpan.Zero);
        await TrainReplicate(reference, 1, TimeSpan.Zero);

        var home = await Home("crashed");
        var first = await Start(home, 0);
        // The checkpoint of step 15 reports row 10, then its save dies (the process would be gone).
        var crashing = new CrashingCheckpoints(new BlobRunStore(home.Blobs, first.Run), crashAtStep: 15);
        var crash = Assert.Throws<IOException>(() => Activate(home, first, CancellationToken.None, TimeSpan.Zero, store: crashing));
        Assert.Equal(CrashingCheckpoints.Message, crash.Message);
        var reportedBeforeTheCrash = await ReportedSteps(home, 0);
        Assert.Equal([0, 5, 10], reportedBeforeTheCrash);
        Assert.Equal(10, first.Fence.CheckpointStep); // the last saved checkpoint

        var second = await Start(home, 0);
        Assert.Equal(2, second.Attempt);
        Assert.NotNull(Activate(home, second, CancellationToken.None, TimeSpan.Zero).Curves);
        await TrainReplicate(home, 1, TimeSpan.Zero);

        Assert.Equal(Curves(reference, 0), Curves(home, 0));
        await AssertReportedOnceWithValidVectors(home, replicates: 2);
        Assert.Equal(await AggregateAll(reference), await AggregateAll(home));
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("cut mid-file")]
    [InlineData("last field cut")]
    [InlineData("last row lost")]
    [InlineData("zero-filled tail")]
    [InlineData("unparsable number")]
    public async Task Stored_curves_that_are_torn_are_ignored_with_a_warning_and_the_run_retrains_to_identical_curves(string damage)
    {
        var home = await Home("h");
        var first = await Start(home, 0);
        // The activation stores its curves, then dies before its grain records the run completed.
        Assert.Throws<IOException>(() => Activate(home, first with { Through = new DyingFence(first.Fence) }, CancellationToken.None, Never));
        var key = BlobKeys.Curves(first.Run);
        var expected = Curves(home, 0);
        var torn = damage switch
        {
            "empty" => "",
            "cut mid-file" => expected[..(expected.Length / 2)],
            "last field cut" => expected[..^3],
            "last row lost" => expected[..(expected.TrimEnd('\n').LastIndexOf('\n') + 1)],
            "zero-filled tail" => expected[..^40] + new string('\0', 40),
            "unparsable number" => expected.Replace("0.", "0.x", StringComparison.Ordinal),
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };
        await home.Blobs.PutAsync(key, Encoding.UTF8.GetBytes(torn));

        var warnings = new List<string>();
        var second = await Start(home, 0);
        var outcome = Activate(home, second, CancellationToken.None, Never, warn: warnings.Add);

        Assert.False(outcome.WasAlreadyDone); // trained again, not taken from the store
        Assert.Equal(expected, Curves(home, 0));
        var warning = Assert.Single(warnings);
        Assert.Contains("s/p0000/r000: ignoring its stored curves, the run is trained again", warning, StringComparison.Ordinal);
        Assert.Equal(new RunCounts(1, 0, 1, 0), (await home.Ledger.GetSweepStatusAsync("s"))!.Runs); // replicate 1 still queued
    }

    [Fact]
    public async Task Whole_stored_curves_are_taken_as_they_are()
    {
        var home = await Home("h");
        var first = await Start(home, 0);
        Assert.Throws<IOException>(() => Activate(home, first with { Through = new DyingFence(first.Fence) }, CancellationToken.None, Never));
        var warnings = new List<string>();

        var outcome = Activate(home, await Start(home, 0), CancellationToken.None, Never, warn: warnings.Add);

        Assert.True(outcome.WasAlreadyDone);
        Assert.Empty(warnings);
        Assert.Equal(new RunCounts(1, 0, 1, 0), (await home.Ledger.GetSweepStatusAsync("s"))!.Runs);
    }

    private sealed record TestHome(string Path, SqliteLedger Ledger, FileBlobStore Blobs, SweepSpec Sweep);

    private readonly List<TestHome> _homes = [];

    private async Task<TestHome> Home(string name)
    {
        var path = _dir.Combine(name);
        var ledger = SqliteLedger.OpenInHome(path);
        var blobs = FileBlobStore.OpenInHome(path);
        var sweep = SpecBuilder.Parse(Yaml);
        new SweepCatalog("s", new LedgerSweepStore(ledger, blobs)).Submit(sweep);
        var home = new TestHome(path, ledger, blobs, sweep);
        _homes.Add(home);
        return await Task.FromResult(home);
    }

    /// <summary>One activation of a run: its start as the catalog counted it, and its fence.</summary>
    private sealed record Started(RunId Run, int Attempt, CatalogFence Fence)
    {
        // The fence the activation writes through (a wrapper, e.g. one that dies, may stand in for it).
        public IRunFence Through { get; init; } = Fence;
    }

    /// <summary>Starts replicate <paramref name="replicate"/> of point 0 as its RunGrain does (the catalog counts the start).</summary>
    private static async Task<Started> Start(TestHome home, int replicate)
    {
        var run = new RunId("s", 0, replicate);
        return new Started(run, await home.Ledger.StartRunAsync(run, "a"), new CatalogFence(home.Ledger, run));
    }

    private async Task<string> TrainReplicate(TestHome home, int replicate, TimeSpan? interval = null)
    {
        Assert.NotNull(Activate(home, await Start(home, replicate), CancellationToken.None, interval ?? TimeSpan.Zero).Curves);
        return Curves(home, replicate);
    }

    private static RunOutcome Activate(TestHome home, Started started, CancellationToken drain, TimeSpan interval,
        IRunStore? store = null, Action<int>? progress = null, Action<string>? warn = null)
    {
        var spec = home.Sweep.Points[started.Run.Point].Spec;
        var data = DataPlan.For(spec);
        using var test = TensorData.Upload(data.Test, spec.Model.Precision, "cpu");
        var grain = new RunActivation(started.Run, spec, "cpu", store ?? new BlobRunStore(home.Blobs, started.Run, warn), started.Through)
        {
            Progress = progress,
            CheckpointMinInterval = interval,
            FirstActivation = started.Attempt == 1,
            Warn = warn,
        };
        return grain.Activate(data, test, drain);
    }

    private static string Curves(TestHome home, int replicate) =>
        File.ReadAllText(System.IO.Path.Combine(home.Blobs.Root, BlobKeys.Curves(new RunId("s", 0, replicate))));

    private static string[] CheckpointFiles(TestHome home, int replicate) => FileNames(home, BlobKeys.Checkpoints(new RunId("s", 0, replicate)));

    private static string[] MomentFiles(TestHome home, int replicate) => FileNames(home, BlobKeys.Run(new RunId("s", 0, replicate)) + "moments/");

    private static string[] FileNames(TestHome home, string prefix)
    {
        var directory = System.IO.Path.Combine(home.Blobs.Root, prefix);
        return Directory.Exists(directory) ? Directory.GetFiles(directory).Select(f => System.IO.Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray() : [];
    }

    private static async Task<int[]> ReportedSteps(TestHome home, int replicate)
    {
        var steps = new List<int>();
        foreach (var step in Recorded)
            if ((await home.Ledger.ReadReportsAsync(new AggregateId("s", 0, step))).Any(r => r.Replicate == replicate)) steps.Add(step);
        return [.. steps];
    }

    /// <summary>Every recorded step of the first <paramref name="replicates"/> replicates reported once, naming a range that holds its vectors.</summary>
    private static async Task AssertReportedOnceWithValidVectors(TestHome home, int replicates)
    {
        foreach (var step in Recorded)
        {
            var reports = await home.Ledger.ReadReportsAsync(new AggregateId("s", 0, step));
            Assert.Equal(Enumerable.Range(0, replicates), reports.Select(r => r.Replicate));
            foreach (var report in reports)
            {
                var at = StepReportPayload.Parse(report.Payload, "test").Moments!;
                Assert.StartsWith(BlobKeys.Run(new RunId("s", 0, report.Replicate)) + "moments/", at.Key, StringComparison.Ordinal);
                var bytes = await home.Blobs.GetRangeAsync(at.Key, at.Offset, at.Length);
                Assert.Equal(at.Length, bytes!.Length);
                Assert.NotEmpty(MomentVectors.Deserialize(bytes, at.Format()).Mean);
            }
        }
    }

    /// <summary>Each step's aggregate result and its cross-run GSNR blob, as stored.</summary>
    private static async Task<string[]> AggregateAll(TestHome home)
    {
        var results = new List<string>();
        foreach (var aggregate in (await home.Ledger.ListPendingAggregatesAsync("s")).OrderBy(a => a.Step))
        {
            var result = new AggregateReduction(aggregate, home.Sweep.Points[0].Spec, new LedgerAggregateStore(home.Ledger, home.Blobs, aggregate)).Activate();
            results.Add(result.Format());
            results.Add(Convert.ToHexString((await home.Blobs.GetAsync(BlobKeys.Aggregate(aggregate)))!.Content));
        }
        Assert.Equal(2 * Recorded.Length, results.Count);
        return [.. results];
    }

    /// <summary>The run's store whose checkpoint save of one step fails as if the process died there.</summary>
    private sealed class CrashingCheckpoints(IRunStore inner, int crashAtStep) : IRunStore, ICheckpointStore
    {
        public const string Message = "simulated crash while saving the checkpoint";

        public ICheckpointStore Checkpoints => this;

        public Checkpoint? LoadLatest() => inner.Checkpoints.LoadLatest();

        public void Save(Checkpoint checkpoint)
        {
            if (checkpoint.Step == crashAtStep) throw new IOException(Message);
            inner.Checkpoints.Save(checkpoint);
        }

        public IReadOnlyList<CurveRow>? ReadCurves() => inner.ReadCurves();

        public void WriteCurves(IReadOnlyList<CurveRow> rows) => inner.WriteCurves(rows);

        public void WriteStats(IReadOnlyList<StatsRow> rows) => inner.WriteStats(rows);

        public string WriteMomentBatch(int firstStep, int lastStep, byte[] blob) => inner.WriteMomentBatch(firstStep, lastStep, blob);

        public string? ReadFailure() => inner.ReadFailure();

        public void WriteFailure(string reason) => inner.WriteFailure(reason);
    }

    /// <summary>The run's fence, whose activation dies when it would record the run completed.</summary>
    private sealed class DyingFence(IRunFence inner) : IRunFence
    {
        public CancellationToken Lost => inner.Lost;

        public bool ReportSteps(IReadOnlyList<(int Step, string Payload)> reports) => inner.ReportSteps(reports);

        public bool RecordCheckpoint(int step) => inner.RecordCheckpoint(step);

        public bool Complete() => throw new IOException("simulated crash before the run's completion was recorded");

        public bool Fail(string reason) => inner.Fail(reason);
    }

    public void Dispose()
    {
        foreach (var home in _homes) home.Ledger.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dir.Dispose();
    }
}
