using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Silo.Activation;

/// <summary>A run's <see cref="Lease"/> in the ledger, as the grain's fenced port.</summary>
public sealed class LedgerRunLease(ILedger ledger, Lease lease, CancellationToken lost) : IRunLease
{
    public Lease Lease { get; } = lease;

    public CancellationToken Lost { get; } = lost;

    public bool ReportSteps(IReadOnlyList<(int Step, string Payload)> reports) =>
        Blocking.Wait(ledger.ReportStepsAsync(Lease, reports.Select(r => new StepPayload(r.Step, r.Payload)).ToArray()));

    public bool RecordCheckpoint(int step) => Blocking.Wait(ledger.RecordCheckpointAsync(Lease, step));

    public bool Complete() => Blocking.Wait(ledger.CompleteRunAsync(Lease));

    public bool Fail(string reason) => Blocking.Wait(ledger.FailRunAsync(Lease, reason));
}
