using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Postgres;

/// <summary>Membership: heartbeats, and the expiry of silent silos, whose leases are freed and work queued again.</summary>
public sealed partial class PostgresLedger
{
    public Task HeartbeatAsync(string silo, int slots, CancellationToken cancel = default) =>
        Run(session => session.ExecuteAsync("""
            INSERT INTO silos VALUES (@silo, @slots, 'alive', @now, @now)
            ON CONFLICT (silo) DO UPDATE SET slots = excluded.slots, state = 'alive', last_heartbeat = excluded.last_heartbeat
            """, ("silo", silo), ("slots", slots), ("now", session.NowMs)), cancel);

    /// <summary>
    /// One statement: the silent silos become expired, their leases are freed (tokens kept) and the work those
    /// leases held goes back to queued or ready. Two silos expiring others at once: the second finds them expired.
    /// </summary>
    public Task<IReadOnlyList<string>> ExpireSilentSilosAsync(TimeSpan silence, CancellationToken cancel = default) =>
        Run<IReadOnlyList<string>>(async session => await session.QueryAsync(Expire("last_heartbeat <= @cutoff"),
            r => r.GetString(0), ("cutoff", session.NowMs - Ms(silence))), cancel);

    public Task<bool> LeaveAsync(string silo, CancellationToken cancel = default) =>
        Run(async session => (await session.QueryAsync(Expire("silo = @silo"), r => r.GetString(0), ("silo", silo))).Count > 0, cancel);

    /// <summary>The statement expiring the alive silos that match <paramref name="condition"/>; it returns their names.</summary>
    private static string Expire(string condition) => $"""
        WITH silent AS (
            UPDATE silos SET state = 'expired' WHERE state = 'alive' AND {condition} RETURNING silo),
        freed AS (
            UPDATE leases l SET owner = NULL, expires_at = NULL FROM silent WHERE l.owner = silent.silo
            RETURNING l.sweep, l.kind, l.point, l.ordinal),
        runs_back AS (
            UPDATE runs r SET state = 'queued' FROM freed f
            WHERE f.kind = 'run' AND r.sweep = f.sweep AND r.point = f.point AND r.replicate = f.ordinal AND r.state = 'running'),
        aggregates_back AS (
            UPDATE aggregates a SET state = 'ready' FROM freed f
            WHERE f.kind = 'aggregate' AND a.sweep = f.sweep AND a.point = f.point AND a.step = f.ordinal AND a.state = 'running')
        SELECT silo FROM silent ORDER BY silo
        """;

    public Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken cancel = default) =>
        Run<IReadOnlyList<SiloRecord>>(async session => await session.QueryAsync(
            "SELECT silo, slots, state, started_at, last_heartbeat FROM silos ORDER BY silo",
            r => new SiloRecord(r.GetString(0), r.GetInt32(1), r.GetString(2) == "alive" ? SiloState.Alive : SiloState.Expired,
                FromMs(r.GetInt64(3)), FromMs(r.GetInt64(4)))), cancel);
}
