using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// What a RunGrain's fence (<c>GrainRunFence</c>) does, for tests that drive a <see cref="RunActivation"/> without a
/// silo: reports go to the ledger's catalog as the grain sends them (<see cref="ILedger.RecordReportsAsync"/>), the
/// checkpoint step goes where the grain state keeps it (<see cref="CheckpointStep"/>), the end to
/// <see cref="ILedger.EndRunAsync"/>. A <see cref="Stale"/> fence is an activation whose state ETag is no longer the
/// current one: its first state write (a checkpoint record or the end) is refused and cancels <see cref="Lost"/>,
/// after which it refuses everything, as the grain does.
/// </summary>
internal sealed class CatalogFence(ILedger ledger, RunId run) : IRunFence
{
    private readonly CancellationTokenSource _lost = new();

    /// <summary>A newer activation wrote the run's state: this one's state writes are refused.</summary>
    public bool Stale { get; init; }

    /// <summary>The step of the last checkpoint recorded (what the run's grain state holds); null: none.</summary>
    public int? CheckpointStep { get; private set; }

    public CancellationToken Lost => _lost.Token;

    public bool ReportSteps(IReadOnlyList<(int Step, string Payload)> reports)
    {
        if (Lost.IsCancellationRequested) return false;
        ledger.RecordReportsAsync(run, reports.Select(r => new StepPayload(r.Step, r.Payload)).ToArray()).GetAwaiter().GetResult();
        return true;
    }

    public bool RecordCheckpoint(int step)
    {
        if (!WriteState()) return false;
        CheckpointStep = step;
        return true;
    }

    public bool Complete() => End(null);

    public bool Fail(string reason) => End(reason);

    private bool End(string? failure)
    {
        if (!WriteState()) return false;
        ledger.EndRunAsync(run, failure).GetAwaiter().GetResult();
        return true;
    }

    /// <summary>The grain's ETag-checked state write: refused (and the fence lost) when stale.</summary>
    private bool WriteState()
    {
        if (Lost.IsCancellationRequested) return false;
        if (!Stale) return true;
        _lost.Cancel();
        return false;
    }
}
