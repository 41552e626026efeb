using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Silo.Hosting;

/// <summary>
/// A claimed run or aggregate on this silo: its lease, and the two ways it is stopped: drain (checkpoint and
/// give the lease back: Ctrl-C, a cancelled sweep, the silo leaving) and lost (someone else holds it now:
/// write nothing more).
/// The token sources are never disposed: they own no timer, and the renewal loop may still cancel one after its
/// slot finished with it.
/// </summary>
internal sealed class ActiveWork(Lease lease, RunClaim? run, AggregateClaim? aggregate)
{
    public Lease Lease { get; } = lease;

    public RunClaim? Run { get; } = run;

    public AggregateClaim? Aggregate { get; } = aggregate;

    public CancellationTokenSource Drain { get; } = new();

    public CancellationTokenSource Lost { get; } = new();

    public static ActiveWork For(RunClaim claim) => new(claim.Lease, claim, null);

    public static ActiveWork For(AggregateClaim claim) => new(claim.Lease, null, claim);
}
