using Orleans.Runtime;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Placement;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Silo.Sites;

/// <summary>The silo's side of every <see cref="RunGrain"/>: its slots and data cache, the run's blobs, the catalog.</summary>
internal sealed class SiloRunSite(ILedger ledger, IBlobStore blobs, SweepSpecs specs, SlotPool slots, PointDataCache data, SweepsSiloOptions options,
    SiloTelemetry telemetry, ILocalSiloDetails silo, TrainingTimes times, SiloDrain drain) : IRunSite
{
    private readonly ISweepObserver _events = CompositeObserver.Of(telemetry.Runs, options.Observer);

    public async Task<RunSpec> SpecAsync(RunId run) => (await specs.GetAsync(run.Sweep)).Points[run.Point].Spec;

    public async Task<bool> SweepActiveAsync(RunId run) => (await ledger.GetSweepStatusAsync(run.Sweep))?.State == SweepState.Active;

    public string DeviceFor(RunSpec spec) => options.Device ?? spec.Device;

    public TimeSpan CheckpointMinInterval => options.CheckpointMinInterval;

    public TimeSpan? ReminderPeriod => options.ReminderPeriod;

    public RunAdmission AdmitToSlot(RunId run) => slots.Admit(run);

    public bool WaitForSlot(RunId run, CancellationToken cancel) => slots.Wait(run, cancel);

    public bool QueuesRuns => slots.Queues;

    public void ReleaseSlot(RunId run) => slots.Release(run);

    public void Trained(RunId run, TimeSpan engine, TimeSpan onSlot)
    {
        times.Add(engine, onSlot);
        slots.Timed(onSlot);
    }

    public void Track(RunId run, CancellationTokenSource threadDrain, Task ended) => drain.Track(run, threadDrain, ended);

    public void Abandon(RunId run) => drain.Abandon(run);

    public bool WasAbandoned(RunId run) => drain.WasAbandoned(run);

    public PointData AcquireData(RunId run, RunSpec spec, string device)
    {
        var entry = data.Acquire(run.Sweep, run.Point, spec, device);
        return new PointData(entry.Plan, entry.Test, () => data.Release(entry));
    }

    public string CheckpointKey(RunId run, int step) => BlobKeys.Checkpoint(run, step);

    public IRunStore Store(RunId run) => new BlobRunStore(blobs, run, options.Warn);

    public IDisposable Training(RunId run, int attempt, int fromStep, string device) => Scope.Of(telemetry.StartRun(run, attempt, fromStep, device));

    public ISweepObserver Events => _events;

    public Action<string> Warn => options.Warn;

    /// <summary>The catalog names this silo (Orleans' <c>SiloName</c>) as where the run trains, for <c>sweeps status</c>.</summary>
    public Task StartedAsync(RunId run) => ledger.StartRunAsync(run, silo.Name);

    public Task<IReadOnlyList<AggregateId>> ReportAsync(RunId run, IReadOnlyList<(int Step, string Payload)> reports)
    {
        using var span = SiloTelemetry.StartRunChild(SweepsTelemetry.ReportSpan, run);
        span?.SetTag(SweepsTelemetry.StepTag, reports.Count > 0 ? reports[^1].Step : null).SetTag(SweepsTelemetry.StepCountTag, reports.Count);
        return ledger.RecordReportsAsync(run, reports.Select(r => new StepPayload(r.Step, r.Payload)).ToArray());
    }

    public Task StoppedAsync(RunId run) => ledger.StopRunAsync(run);

    public Task EndedAsync(RunId run, string? failure) => ledger.EndRunAsync(run, failure);
}
