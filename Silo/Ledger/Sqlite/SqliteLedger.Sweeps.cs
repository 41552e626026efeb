using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

public sealed partial class SqliteLedger
{
    public Task<bool> RegisterSweepAsync(SweepDefinition sweep, CancellationToken cancel = default)
    {
        if (sweep.Points.Select(p => p.Point).Distinct().Count() != sweep.Points.Count)
            throw new ArgumentException($"sweep '{sweep.Sweep}': point indices must be distinct", nameof(sweep));
        if (sweep.Points.FirstOrDefault(p => p.Replicates < 1) is { } empty)
            throw new ArgumentException($"sweep '{sweep.Sweep}': point {empty.Point} has {empty.Replicates} replicates (at least 1)", nameof(sweep));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sweep.SpecText)));
        return Task.FromResult(Write((c, t) =>
        {
            var existing = c.Scalar<string>(t, "SELECT spec_sha256 FROM sweeps WHERE sweep = $s", ("$s", sweep.Sweep));
            if (existing is not null)
            {
                if (existing != hash)
                    throw new SweepConflictException($"sweep '{sweep.Sweep}' is already registered with a different spec (SHA-256 {existing[..12]}…, this one {hash[..12]}…); choose another id");
                c.Execute(t, "UPDATE sweeps SET state = 'active' WHERE sweep = $s", ("$s", sweep.Sweep));
                return false;
            }
            c.Execute(t, "INSERT INTO sweeps VALUES ($s, $h, 'active', $now)", ("$s", sweep.Sweep), ("$h", hash), ("$now", NowMs()));
            foreach (var point in sweep.Points)
            {
                c.Execute(t, "INSERT INTO points (sweep, point, parameters, replicates, device) VALUES ($s, $p, $params, $m, $device)",
                    ("$s", sweep.Sweep), ("$p", point.Point), ("$params", point.Parameters), ("$m", point.Replicates), ("$device", point.Device));
                for (var r = 0; r < point.Replicates; r++)
                    c.Execute(t, "INSERT INTO runs (sweep, point, replicate, state) VALUES ($s, $p, $r, 'queued')",
                        ("$s", sweep.Sweep), ("$p", point.Point), ("$r", r));
            }
            return true;
        }));
    }

    public Task<bool> CancelSweepAsync(string sweep, CancellationToken cancel = default) =>
        Task.FromResult(Write((c, t) => c.Execute(t, "UPDATE sweeps SET state = 'cancelled' WHERE sweep = $s", ("$s", sweep)) == 1));

    public Task<bool> DeleteSweepAsync(string sweep, CancellationToken cancel = default) =>
        Task.FromResult(Write((c, t) =>
        {
            // Children before parents: the foreign keys are enforced.
            foreach (var table in new[] { "reports", "aggregates", "runs", "points" })
                c.Execute(t, $"DELETE FROM {table} WHERE sweep = $s", ("$s", sweep));
            return c.Execute(t, "DELETE FROM sweeps WHERE sweep = $s", ("$s", sweep)) == 1;
        }));

    public Task<SweepStatus?> GetSweepStatusAsync(string sweep, CancellationToken cancel = default) =>
        Task.FromResult(Read((c, t) => ReadStatuses(c, t, sweep).SingleOrDefault()));

    public Task<IReadOnlyList<SweepStatus>> ListSweepsAsync(CancellationToken cancel = default) =>
        Task.FromResult<IReadOnlyList<SweepStatus>>(Read((c, t) => ReadStatuses(c, t, null)));

    private static List<SweepStatus> ReadStatuses(SqliteConnection c, SqliteTransaction? t, string? sweep)
    {
        const string Counts = """
            SELECT s.sweep, s.spec_sha256, s.state, s.created_at,
                (SELECT count(*) FROM points p WHERE p.sweep = s.sweep),
                (SELECT count(*) FROM runs r WHERE r.sweep = s.sweep AND r.state = 'queued'),
                (SELECT count(*) FROM runs r WHERE r.sweep = s.sweep AND r.state = 'running'),
                (SELECT count(*) FROM runs r WHERE r.sweep = s.sweep AND r.state = 'completed'),
                (SELECT count(*) FROM runs r WHERE r.sweep = s.sweep AND r.state = 'failed'),
                (SELECT count(*) FROM aggregates a WHERE a.sweep = s.sweep AND a.state = 'ready'),
                (SELECT count(*) FROM aggregates a WHERE a.sweep = s.sweep AND a.state = 'completed')
            FROM sweeps s WHERE $s IS NULL OR s.sweep = $s ORDER BY s.created_at, s.sweep
            """;
        return c.Query(t, Counts, r => new SweepStatus(
            r.GetString(0), r.GetString(1), r.GetString(2) == "active" ? SweepState.Active : SweepState.Cancelled,
            r.GetInt32(4), FromMs(r.GetInt64(3)),
            new RunCounts(r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8)),
            new AggregateCounts(r.GetInt32(9), r.GetInt32(10))), ("$s", sweep));
    }
}
