using Npgsql;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Cluster;

/// <summary>
/// A deleted sweep's rows in the cluster's Orleans tables (<c>Sql/003-grain-state.sql</c>, <c>Sql/002-reminders.sql</c>):
/// its run grains' states (state name <c>run</c>, key <c>{sweep}/pPPPP/rRRR</c>: cleared) and the reminders of its runs
/// (<c>run/{sweep}/…</c>) and of its sweep grain (<c>sweep/{sweep}</c>). Without this a sweep registered again under the
/// same id would find its runs "completed" by the deleted one.
/// </summary>
public static class ClusterGrainRows
{
    /// <summary>Deletes them in one transaction; returns how many grain states were cleared. Nothing to do before any silo created the tables.</summary>
    public static async Task<int> DeleteSweepAsync(string postgres, string serviceId, string sweep, CancellationToken cancel)
    {
        var settings = PostgresConnectionString.Parse(postgres);
        try
        {
            await using var connection = new NpgsqlConnection(settings.ConnectionString);
            await connection.OpenAsync(cancel).ConfigureAwait(false);
            await using (var exists = new NpgsqlCommand("SELECT to_regclass('orleans_grain_state') IS NOT NULL AND to_regclass('orleans_reminders') IS NOT NULL", connection))
                if (!(bool)(await exists.ExecuteScalarAsync(cancel).ConfigureAwait(false))!) return 0;
            await using var transaction = await connection.BeginTransactionAsync(cancel).ConfigureAwait(false);
            // starts_with, not LIKE: '_' and '.' are allowed in sweep ids.
            // Cleared as Orleans clears a state (a tombstone: payload NULL, version + 1), so versions never go back and an
            // activation that read before can never match a later row by accident.
            await using var states = new NpgsqlCommand("""
                UPDATE orleans_grain_state SET payload = NULL, version = version + 1, modified_at = now()
                WHERE service_id = @service AND grain_type = 'run' AND starts_with(grain_id_extension, @runs) AND payload IS NOT NULL
                """, connection, transaction);
            states.Parameters.AddWithValue("service", serviceId);
            states.Parameters.AddWithValue("runs", sweep + "/");
            var deleted = await states.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
            await using var reminders = new NpgsqlCommand(
                "DELETE FROM orleans_reminders WHERE service_id = @service AND (starts_with(grain_id, @runs) OR grain_id = @sweep)", connection, transaction);
            reminders.Parameters.AddWithValue("service", serviceId);
            reminders.Parameters.AddWithValue("runs", $"run/{sweep}/");
            reminders.Parameters.AddWithValue("sweep", $"sweep/{sweep}");
            await reminders.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
            await transaction.CommitAsync(cancel).ConfigureAwait(false);
            return deleted;
        }
        catch (NpgsqlException e) when (!cancel.IsCancellationRequested)
        {
            throw new StorageUnavailableException($"{PostgresConnectionString.Describe(settings)}: cannot delete the run states of sweep '{sweep}' ({e.Message})", e);
        }
    }
}
