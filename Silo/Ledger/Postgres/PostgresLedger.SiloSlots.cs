using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Postgres;

/// <summary>Where runs train (<c>runs.silo</c>) and what each silo serves (<c>silo_slots</c>), for <c>sweeps status</c>.</summary>
public sealed partial class PostgresLedger
{
    public Task<IReadOnlyList<RunningRun>> ListRunningAsync(CancellationToken cancel = default) =>
        Run<IReadOnlyList<RunningRun>>(async session => await session.QueryAsync(
            "SELECT sweep, point, replicate, silo FROM runs WHERE state = 'running' ORDER BY sweep, point, replicate",
            r => new RunningRun(new RunId(r.GetString(0), r.GetInt32(1), r.GetInt32(2)), r.IsDBNull(3) ? null : r.GetString(3))), cancel);

    public Task RecordSiloAsync(string silo, int slots, string device, CancellationToken cancel = default) =>
        Run(session => session.ExecuteAsync("""
            INSERT INTO silo_slots VALUES (@silo, @slots, @device, @now)
            ON CONFLICT (silo) DO UPDATE SET slots = excluded.slots, device = excluded.device, started_at = excluded.started_at
            """, ("silo", silo), ("slots", slots), ("device", device), ("now", session.NowMs)), cancel);

    public Task<IReadOnlyList<SiloSlots>> ListSiloSlotsAsync(CancellationToken cancel = default) =>
        Run<IReadOnlyList<SiloSlots>>(async session => await session.QueryAsync(
            "SELECT silo, slots, device, started_at FROM silo_slots ORDER BY silo",
            r => new SiloSlots(r.GetString(0), r.GetInt32(1), r.GetString(2), FromMs(r.GetInt64(3)))), cancel);
}
