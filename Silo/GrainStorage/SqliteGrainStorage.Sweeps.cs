using Microsoft.Data.Sqlite;

namespace OrleansSweeps.Silo.GrainStorage;

public sealed partial class SqliteGrainStorage
{
    /// <summary>
    /// Clears the run states of a deleted sweep in the home's grain-state file, while no silo runs on the home: a
    /// tombstone each (payload NULL, version + 1, as <see cref="ClearStateAsync"/>), so a sweep registered again under the
    /// same id starts its runs afresh. Returns how many were cleared; nothing to do when the file does not exist.
    /// </summary>
    public static int ClearSweepRuns(string databasePath, string sweep)
    {
        if (!File.Exists(databasePath)) return 0;
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {(long)BusyTimeout.TotalMilliseconds}");
            using (var exists = connection.CreateCommand())
            {
                exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'orleans_grain_state'";
                if ((long)exists.ExecuteScalar()! == 0) return 0;
            }
            using var command = connection.CreateCommand();
            // substr, not LIKE: '_' is allowed in sweep ids.
            command.CommandText = """
                UPDATE orleans_grain_state SET payload = NULL, version = version + 1
                WHERE grain_type = 'run' AND substr(grain_key, 1, length(@prefix)) = @prefix AND payload IS NOT NULL
                """;
            command.Parameters.AddWithValue("@prefix", sweep + "/");
            return command.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            throw new Storage.StorageUnavailableException($"grain storage '{databasePath}': cannot clear the run states of sweep '{sweep}' ({e.Message})", e);
        }
    }
}
