using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Silo.Activation;

/// <summary>A run's <see cref="Lease"/> in the ledger, as the grain's fenced port.</summary>
public sealed class LedgerRunLease(ILedger ledger, Lease lease, CancellationToken lost) : IRunFence
{
    public Lease Lease { get; } = lease;

    public CancellationToken Lost { get; } = lost;

    public bool ReportSteps(IReadOnlyList<(int Step, string Payload)> reports)
    {
        using var span = SiloTelemetry.StartChild(SweepsTelemetry.ReportSpan, Lease.Resource, Lease.Owner);
        span?.SetTag(SweepsTelemetry.StepTag, reports.Count > 0 ? reports[^1].Step : null).SetTag(SweepsTelemetry.StepCountTag, reports.Count);
        var accepted = Blocking.Wait(ledger.ReportStepsAsync(Lease, reports.Select(r => new StepPayload(r.Step, r.Payload)).ToArray()));
        if (!accepted) span?.SetTag(SweepsTelemetry.OutcomeTag, "lost");
        return accepted;
    }

    public bool RecordCheckpoint(int step) => Blocking.Wait(ledger.RecordCheckpointAsync(Lease, step));

    public bool Complete() => Blocking.Wait(ledger.CompleteRunAsync(Lease));

    public bool Fail(string reason) => Blocking.Wait(ledger.FailRunAsync(Lease, reason));
}
