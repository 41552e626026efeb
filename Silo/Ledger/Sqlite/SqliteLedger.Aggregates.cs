using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

public sealed partial class SqliteLedger
{
    private const string ClaimableAggregates = """
        SELECT a.sweep, a.point, a.step, p.replicates
        FROM aggregates a JOIN sweeps s ON s.sweep = a.sweep JOIN points p ON p.sweep = a.sweep AND p.point = a.point
        LEFT JOIN leases l ON l.sweep = a.sweep AND l.kind = 'aggregate' AND l.point = a.point AND l.ordinal = a.step
        WHERE s.state = 'active'
          AND (a.state = 'ready' OR (a.state = 'running' AND (l.owner IS NULL OR l.expires_at <= $now)))
        ORDER BY s.created_at, a.sweep, a.point, a.step
        LIMIT $max
        """;

    public Task<IReadOnlyList<AggregateClaim>> ClaimAggregatesAsync(string owner, int max, TimeSpan leaseDuration, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return Task.FromResult<IReadOnlyList<AggregateClaim>>(Write((c, t) =>
        {
            var now = NowMs();
            var candidates = c.Query(t, ClaimableAggregates,
                r => (Id: new AggregateId(r.GetString(0), r.GetInt32(1), r.GetInt32(2)), Replicates: r.GetInt32(3)),
                ("$now", now), ("$max", max));
            return candidates.Select(a =>
            {
                var lease = Grant(c, t, LeaseResource.For(a.Id), owner, now + Ms(leaseDuration));
                c.Execute(t, "UPDATE aggregates SET state = 'running' WHERE sweep = $s AND point = $p AND step = $step",
                    ("$s", a.Id.Sweep), ("$p", a.Id.Point), ("$step", a.Id.Step));
                return new AggregateClaim(a.Id, lease, a.Replicates);
            }).ToList();
        }));
    }

    public Task<bool> CompleteAggregateAsync(Lease lease, string result, CancellationToken cancel = default)
    {
        RequireKind(lease, LeaseKind.Aggregate);
        return Task.FromResult(Write((c, t) => Free(c, t, lease) && c.Execute(t,
            "UPDATE aggregates SET state = 'completed', result = $result, completed_at = $now WHERE sweep = $s AND point = $p AND step = $step AND state = 'running'",
            ("$s", lease.Resource.Sweep), ("$p", lease.Resource.Point), ("$step", lease.Resource.Ordinal), ("$result", result), ("$now", NowMs())) == 1));
    }

    public Task<string?> ReadAggregateResultAsync(AggregateId aggregate, CancellationToken cancel = default) =>
        Task.FromResult(Read((c, t) => c.Scalar<string>(t,
            "SELECT result FROM aggregates WHERE sweep = $s AND point = $p AND step = $step AND state = 'completed'",
            ("$s", aggregate.Sweep), ("$p", aggregate.Point), ("$step", aggregate.Step))));
}
