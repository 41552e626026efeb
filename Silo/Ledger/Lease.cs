using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger;

public enum LeaseKind
{
    Run,
    Aggregate,
}

/// <summary>
/// What a lease is on: a run (<see cref="Ordinal"/> = replicate) or an aggregate (<see cref="Ordinal"/> = step).
/// </summary>
public readonly record struct LeaseResource(LeaseKind Kind, string Sweep, int Point, int Ordinal)
{
    public static LeaseResource For(RunId run) => new(LeaseKind.Run, run.Sweep, run.Point, run.Replicate);

    public static LeaseResource For(AggregateId aggregate) => new(LeaseKind.Aggregate, aggregate.Sweep, aggregate.Point, aggregate.Step);

    public override string ToString() => Kind == LeaseKind.Run
        ? new RunId(Sweep, Point, Ordinal).ToString()
        : new AggregateId(Sweep, Point, Ordinal).ToString();
}

/// <summary>
/// A lease as claimed: <see cref="Token"/> is the fencing token, larger than any token issued before for
/// the same resource. <see cref="ExpiresAt"/> is the expiry at claim time (renewals move it on).
/// </summary>
public sealed record Lease(LeaseResource Resource, string Owner, long Token, DateTimeOffset ExpiresAt);
