using Microsoft.Data.Sqlite;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

/// <summary>Leases shared by runs and aggregates: issuing tokens, checking them, renewing and releasing.</summary>
public sealed partial class SqliteLedger
{
    private static string KindText(LeaseKind kind) => kind == LeaseKind.Run ? "run" : "aggregate";

    private static (string, object?)[] Key(LeaseResource r) =>
        [("$s", r.Sweep), ("$k", KindText(r.Kind)), ("$p", r.Point), ("$o", r.Ordinal)];

    /// <summary>Takes the lease for <paramref name="owner"/> with a token one above the last one ever issued for it.</summary>
    private static Lease Grant(SqliteConnection c, SqliteTransaction? t, LeaseResource resource, string owner, long expiresMs)
    {
        var token = c.Scalar<long>(t, """
            INSERT INTO leases VALUES ($s, $k, $p, $o, $owner, 1, $exp)
            ON CONFLICT (sweep, kind, point, ordinal) DO UPDATE SET owner = $owner, token = token + 1, expires_at = $exp
            RETURNING token
            """, [.. Key(resource), ("$owner", owner), ("$exp", expiresMs)]);
        return new Lease(resource, owner, token, FromMs(expiresMs));
    }

    /// <summary>Whether <paramref name="lease"/> is still the current one: the fence every write passes.</summary>
    private static bool IsCurrent(SqliteConnection c, SqliteTransaction? t, Lease lease) =>
        c.Scalar<long>(t, "SELECT count(*) FROM leases WHERE sweep = $s AND kind = $k AND point = $p AND ordinal = $o AND owner = $owner AND token = $token",
            [.. Key(lease.Resource), ("$owner", lease.Owner), ("$token", lease.Token)]) == 1;

    /// <summary>Frees the lease if current (the token stays, so the next claim's is larger); false if stale.</summary>
    private static bool Free(SqliteConnection c, SqliteTransaction? t, Lease lease) =>
        c.Execute(t, "UPDATE leases SET owner = NULL, expires_at = NULL WHERE sweep = $s AND kind = $k AND point = $p AND ordinal = $o AND owner = $owner AND token = $token",
            [.. Key(lease.Resource), ("$owner", lease.Owner), ("$token", lease.Token)]) == 1;

    private static void RequireKind(Lease lease, LeaseKind kind)
    {
        if (lease.Resource.Kind != kind) throw new ArgumentException($"lease on {lease.Resource} is a {lease.Resource.Kind} lease, expected {kind}", nameof(lease));
    }

    public Task<RenewalOutcome> RenewAsync(Lease lease, TimeSpan leaseDuration, CancellationToken cancel = default) =>
        Task.FromResult(Write((c, t) =>
        {
            var renewed = c.Execute(t, "UPDATE leases SET expires_at = $exp WHERE sweep = $s AND kind = $k AND point = $p AND ordinal = $o AND owner = $owner AND token = $token",
                [.. Key(lease.Resource), ("$owner", lease.Owner), ("$token", lease.Token), ("$exp", NowMs() + Ms(leaseDuration))]) == 1;
            if (!renewed) return RenewalOutcome.Lost;
            var active = c.Scalar<string>(t, "SELECT state FROM sweeps WHERE sweep = $s", ("$s", lease.Resource.Sweep)) == "active";
            return active ? RenewalOutcome.Renewed : RenewalOutcome.SweepCancelled;
        }));

    public Task<bool> ReleaseAsync(Lease lease, CancellationToken cancel = default) =>
        Task.FromResult(Write((c, t) =>
        {
            if (!Free(c, t, lease)) return false;
            var r = lease.Resource;
            if (r.Kind == LeaseKind.Run)
                c.Execute(t, "UPDATE runs SET state = 'queued' WHERE sweep = $s AND point = $p AND replicate = $o AND state = 'running'", ("$s", r.Sweep), ("$p", r.Point), ("$o", r.Ordinal));
            else
                c.Execute(t, "UPDATE aggregates SET state = 'ready' WHERE sweep = $s AND point = $p AND step = $o AND state = 'running'", ("$s", r.Sweep), ("$p", r.Point), ("$o", r.Ordinal));
            return true;
        }));
}
