using Npgsql;
using Orleans.Runtime;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Cluster;

/// <summary>One silo incarnation as Orleans' membership table lists it: its name, address, status and when it was last alive.</summary>
/// <param name="LastAlive">Its last IAmAlive write; null when nobody keeps one (an embedded home).</param>
public sealed record MemberSilo(string Silo, string Address, SiloStatus Status, DateTimeOffset StartedAt, DateTimeOffset? LastAlive);

/// <summary>
/// Reads a cluster's silos straight from Orleans' membership table in PostgreSQL (<c>orleans_membership</c>,
/// <c>Sql/001-membership.sql</c>), so <c>sweeps status</c> answers with no silo up and without joining the cluster.
/// </summary>
public static class ClusterMembers
{
    /// <summary>
    /// The members of <paramref name="clusterId"/>, oldest first; none when no silo ever started on the database (the
    /// Orleans tables are created by the first silo). An unreachable server throws <see cref="StorageUnavailableException"/>
    /// naming server and database, never the password.
    /// </summary>
    public static async Task<IReadOnlyList<MemberSilo>> ReadAsync(string postgres, string clusterId, CancellationToken cancel)
    {
        var settings = PostgresConnectionString.Parse(postgres);
        try
        {
            await using var connection = new NpgsqlConnection(settings.ConnectionString);
            await connection.OpenAsync(cancel).ConfigureAwait(false);
            await using (var exists = new NpgsqlCommand("SELECT to_regclass('orleans_membership') IS NOT NULL", connection))
                if (!(bool)(await exists.ExecuteScalarAsync(cancel).ConfigureAwait(false))!) return [];
            await using var query = new NpgsqlCommand("""
                SELECT silo_name, address, port, generation, status, start_time, i_am_alive_time FROM orleans_membership
                WHERE deployment_id = @cluster ORDER BY start_time, address, port, generation
                """, connection);
            query.Parameters.AddWithValue("cluster", clusterId);
            await using var reader = await query.ExecuteReaderAsync(cancel).ConfigureAwait(false);
            var members = new List<MemberSilo>();
            while (await reader.ReadAsync(cancel).ConfigureAwait(false))
                members.Add(new MemberSilo(reader.GetString(0), $"{reader.GetString(1)}:{reader.GetInt32(2)}:{reader.GetInt32(3)}", (SiloStatus)reader.GetInt32(4),
                    reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6)));
            return members;
        }
        catch (NpgsqlException e) when (!cancel.IsCancellationRequested)
        {
            throw new StorageUnavailableException($"{PostgresConnectionString.Describe(settings)}: cannot read the cluster's membership ({e.Message})", e);
        }
    }
}
