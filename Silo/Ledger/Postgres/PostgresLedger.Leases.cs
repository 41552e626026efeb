namespace OrleansSweeps.Silo.Ledger.Postgres;

/// <summary>
/// Leases shared by runs and aggregates. The fence is part of each state-changing statement: the lease row
/// is matched on (owner, token) and locked by that same statement, so a claim that replaces the holder waits
/// for it or is waited for, and PostgreSQL re-checks owner and token against the row's latest version.
/// </summary>
public sealed partial class PostgresLedger
{
    private const string LeaseKey = "sweep = @s AND kind = @k AND point = @p AND ordinal = @o";

    /// <summary>The lease row, if the lease named by the parameters is still current; locked FOR SHARE until commit (no claim can replace it meanwhile).</summary>
    private const string Fence = $"SELECT 1 FROM leases WHERE {LeaseKey} AND owner = @owner AND token = @token FOR SHARE";

    /// <summary>Frees the lease if current (the token stays, so the next claim's is larger).</summary>
    private const string FreeLease = $"UPDATE leases SET owner = NULL, expires_at = NULL WHERE {LeaseKey} AND owner = @owner AND token = @token RETURNING 1";

    private static string KindText(LeaseKind kind) => kind == LeaseKind.Run ? "run" : "aggregate";

    /// <summary>The work's table, key and state names: runs (queued/running) or aggregates (ready/running).</summary>
    private static (string Table, string Ordinal, string Waiting) Work(LeaseKind kind) =>
        kind == LeaseKind.Run ? ("runs", "replicate", "queued") : ("aggregates", "step", "ready");

    /// <summary>Parameters naming the lease: its resource (@s, @k, @p, @o), owner and token.</summary>
    private static (string, object?)[] Fenced(Lease lease, params (string, object?)[] more) =>
    [
        ("s", lease.Resource.Sweep), ("k", KindText(lease.Resource.Kind)), ("p", lease.Resource.Point), ("o", lease.Resource.Ordinal),
        ("owner", lease.Owner), ("token", lease.Token), .. more,
    ];

    private static void RequireKind(Lease lease, LeaseKind kind)
    {
        if (lease.Resource.Kind != kind) throw new ArgumentException($"lease on {lease.Resource} is a {lease.Resource.Kind} lease, expected {kind}", nameof(lease));
    }

    /// <summary>
    /// On a replay: whether this lease already took its work to <paramref name="state"/> and was freed (owner
    /// NULL, token unchanged: nobody claimed it since), i.e. the first attempt committed.
    /// </summary>
    private static async Task<bool> AlreadyFinished(PostgresSession session, Lease lease, string state)
    {
        if (!session.Replay) return false;
        var (table, ordinal, _) = Work(lease.Resource.Kind);
        return await session.ScalarAsync<bool>($"""
            SELECT EXISTS (SELECT 1 FROM leases l JOIN {table} w ON w.sweep = l.sweep AND w.point = l.point AND w.{ordinal} = l.ordinal
              WHERE l.sweep = @s AND l.kind = @k AND l.point = @p AND l.ordinal = @o AND l.owner IS NULL AND l.token = @token AND w.state = @state)
            """, Fenced(lease, ("state", state)));
    }

    public Task<RenewalOutcome> RenewAsync(Lease lease, TimeSpan leaseDuration, CancellationToken cancel = default) =>
        Run(async session =>
        {
            var state = await session.ScalarAsync<string>($"""
                WITH renewed AS (UPDATE leases SET expires_at = @exp WHERE {LeaseKey} AND owner = @owner AND token = @token RETURNING sweep)
                SELECT s.state FROM renewed JOIN sweeps s ON s.sweep = renewed.sweep
                """, Fenced(lease, ("exp", session.NowMs + Ms(leaseDuration))));
            return state switch
            {
                null => RenewalOutcome.Lost,
                "active" => RenewalOutcome.Renewed,
                _ => RenewalOutcome.SweepCancelled,
            };
        }, cancel);

    public Task<bool> ReleaseAsync(Lease lease, CancellationToken cancel = default) =>
        Run(async session =>
        {
            var (table, ordinal, waiting) = Work(lease.Resource.Kind);
            var freed = await session.ScalarAsync<long>($"""
                WITH freed AS ({FreeLease}),
                  back AS (UPDATE {table} SET state = '{waiting}' WHERE sweep = @s AND point = @p AND {ordinal} = @o AND state = 'running'
                           AND EXISTS (SELECT 1 FROM freed))
                SELECT count(*) FROM freed
                """, Fenced(lease));
            return freed == 1 || await AlreadyFinished(session, lease, waiting);
        }, cancel);
}
