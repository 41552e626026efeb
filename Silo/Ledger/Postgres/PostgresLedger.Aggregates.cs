using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Postgres;

public sealed partial class PostgresLedger
{
    /// <summary>Claims ready aggregates (or running ones whose lease expired) like <see cref="ClaimRuns"/> claims runs: oldest sweep, point, step.</summary>
    private const string ClaimAggregates = """
        WITH candidates AS MATERIALIZED (
            SELECT a.sweep, a.point, a.step, s.created_at, p.replicates
            FROM aggregates a
            JOIN sweeps s ON s.sweep = a.sweep
            JOIN points p ON p.sweep = a.sweep AND p.point = a.point
            JOIN leases l ON l.sweep = a.sweep AND l.kind = 'aggregate' AND l.point = a.point AND l.ordinal = a.step
            WHERE s.state = 'active'
              AND (a.state = 'ready' OR (a.state = 'running' AND (l.owner IS NULL OR l.expires_at <= @now)))
            ORDER BY s.created_at, a.sweep, a.point, a.step
            LIMIT @max
            FOR UPDATE OF a, l SKIP LOCKED),
        granted AS (
            UPDATE leases l SET owner = @owner, token = l.token + 1, expires_at = @expires
            FROM candidates c WHERE l.sweep = c.sweep AND l.kind = 'aggregate' AND l.point = c.point AND l.ordinal = c.step
            RETURNING l.sweep, l.point, l.ordinal, l.token),
        claimed AS (
            UPDATE aggregates a SET state = 'running'
            FROM candidates c WHERE a.sweep = c.sweep AND a.point = c.point AND a.step = c.step)
        SELECT c.sweep, c.point, c.step, c.replicates, g.token
        FROM candidates c JOIN granted g ON g.sweep = c.sweep AND g.point = c.point AND g.ordinal = c.step
        ORDER BY c.created_at, c.sweep, c.point, c.step
        """;

    public Task<IReadOnlyList<AggregateClaim>> ClaimAggregatesAsync(string owner, int max, TimeSpan leaseDuration, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return Run<IReadOnlyList<AggregateClaim>>(async session =>
        {
            var expires = session.NowMs + Ms(leaseDuration);
            return await session.QueryAsync(ClaimAggregates, r =>
            {
                var aggregate = new AggregateId(r.GetString(0), r.GetInt32(1), r.GetInt32(2));
                return new AggregateClaim(aggregate, new Lease(LeaseResource.For(aggregate), owner, r.GetInt64(4), FromMs(expires)), r.GetInt32(3));
            }, ("owner", owner), ("now", session.NowMs), ("expires", expires), ("max", max));
        }, cancel);
    }

    public Task<bool> CompleteAggregateAsync(Lease lease, string result, CancellationToken cancel = default)
    {
        RequireKind(lease, LeaseKind.Aggregate);
        return Run(async session =>
        {
            var completed = await session.ExecuteAsync($"""
                WITH freed AS ({FreeLease})
                UPDATE aggregates SET state = 'completed', result = @result, completed_at = @now
                WHERE sweep = @s AND point = @p AND step = @o AND state = 'running' AND EXISTS (SELECT 1 FROM freed)
                """, Fenced(lease, ("result", result), ("now", session.NowMs))) == 1;
            return completed || await AlreadyFinished(session, lease, "completed");
        }, cancel);
    }

    public Task<string?> ReadAggregateResultAsync(AggregateId aggregate, CancellationToken cancel = default) =>
        Run(session => session.ScalarAsync<string>(
            "SELECT result FROM aggregates WHERE sweep = @s AND point = @p AND step = @step AND state = 'completed'",
            ("s", aggregate.Sweep), ("p", aggregate.Point), ("step", aggregate.Step)), cancel);
}
