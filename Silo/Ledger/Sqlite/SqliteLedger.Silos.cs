using Microsoft.Data.Sqlite;
using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

public sealed partial class SqliteLedger
{
    public Task HeartbeatAsync(string silo, int slots, CancellationToken cancel = default) =>
        Task.FromResult(Write((c, t) => c.Execute(t, """
            INSERT INTO silos VALUES ($silo, $slots, 'alive', $now, $now)
            ON CONFLICT (silo) DO UPDATE SET slots = $slots, state = 'alive', last_heartbeat = $now
            """, ("$silo", silo), ("$slots", slots), ("$now", NowMs()))));

    public Task<IReadOnlyList<string>> ExpireSilentSilosAsync(TimeSpan silence, CancellationToken cancel = default) =>
        Task.FromResult<IReadOnlyList<string>>(Write((c, t) =>
        {
            var silent = c.Query(t, "SELECT silo FROM silos WHERE state = 'alive' AND last_heartbeat <= $cutoff ORDER BY silo",
                r => r.GetString(0), ("$cutoff", NowMs() - Ms(silence)));
            foreach (var silo in silent) Expire(c, t, silo);
            return silent;
        }));

    public Task<bool> LeaveAsync(string silo, CancellationToken cancel = default) =>
        Task.FromResult(Write((c, t) =>
        {
            var alive = c.Query(t, "SELECT 1 FROM silos WHERE silo = $silo AND state = 'alive'", r => r.GetInt32(0), ("$silo", silo)).Count > 0;
            if (alive) Expire(c, t, silo);
            return alive;
        }));

    /// <summary>Marks the silo expired, frees its leases (tokens kept) and puts the work they held back to queued or ready.</summary>
    private static void Expire(SqliteConnection c, SqliteTransaction? t, string silo)
    {
        // Work first, then the leases: the work's state is found through the leases it held.
        c.Execute(t, """
            UPDATE runs SET state = 'queued' WHERE state = 'running' AND EXISTS (SELECT 1 FROM leases l
              WHERE l.owner = $silo AND l.kind = 'run' AND l.sweep = runs.sweep AND l.point = runs.point AND l.ordinal = runs.replicate)
            """, ("$silo", silo));
        c.Execute(t, """
            UPDATE aggregates SET state = 'ready' WHERE state = 'running' AND EXISTS (SELECT 1 FROM leases l
              WHERE l.owner = $silo AND l.kind = 'aggregate' AND l.sweep = aggregates.sweep AND l.point = aggregates.point AND l.ordinal = aggregates.step)
            """, ("$silo", silo));
        c.Execute(t, "UPDATE leases SET owner = NULL, expires_at = NULL WHERE owner = $silo", ("$silo", silo));
        c.Execute(t, "UPDATE silos SET state = 'expired' WHERE silo = $silo", ("$silo", silo));
    }

    public Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken cancel = default) =>
        Task.FromResult<IReadOnlyList<SiloRecord>>(Read((c, t) => c.Query(t,
            "SELECT silo, slots, state, started_at, last_heartbeat FROM silos ORDER BY silo",
            r => new SiloRecord(r.GetString(0), r.GetInt32(1), r.GetString(2) == "alive" ? SiloState.Alive : SiloState.Expired,
                FromMs(r.GetInt64(3)), FromMs(r.GetInt64(4))))));
}
