using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.GrainStorage;

/// <summary>The file side of <see cref="SqliteGrainStorage"/>: creating it, pooled connections, and errors that name it.</summary>
public sealed partial class SqliteGrainStorage
{
    /// <summary>Creates the table if needed and puts the file in WAL mode; idempotent, and safe to race.</summary>
    public void EnsureCreated()
    {
        if (_created) return;
        lock (_createLock)
        {
            if (_created) return;
            using var connection = Open();
            Guarded(() =>
            {
                // WAL is a property of the file, kept across connections; it must be set outside a transaction.
                Execute(connection, "PRAGMA journal_mode = WAL");
                Execute(connection, Schema);
            });
            _created = true;
        }
    }

    /// <summary>Runs one operation; its failure is the returned task's, as callers of a Task method expect.</summary>
    private Task Run(Action<SqliteConnection> body)
    {
        try
        {
            EnsureCreated();
            using var connection = Open();
            Guarded(() => body(connection));
            return Task.CompletedTask;
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    /// <summary>Turns SQLite's codes that blame the file (read-only, corrupt, disk full…) into one error naming it.</summary>
    private void Guarded(Action body)
    {
        try
        {
            body();
        }
        catch (SqliteException e) when ((e.SqliteErrorCode & 0xFF) is 3 /* PERM */ or 8 /* READONLY */ or 10 /* IOERR */
            or 11 /* CORRUPT */ or 13 /* FULL */ or 14 /* CANTOPEN */ or 26 /* NOTADB */)
        {
            throw new StorageUnavailableException($"grain storage '{Path}': {e.Message}", e);
        }
    }

    /// <summary>A pooled connection with this project's durability choice; a file that cannot be used throws <see cref="StorageUnavailableException"/> naming it.</summary>
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            if (!Directory.Exists(System.IO.Path.GetDirectoryName(Path)))
                throw new StorageUnavailableException($"grain storage '{Path}': its directory does not exist");
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {(long)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL");
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new StorageUnavailableException($"grain storage '{Path}': cannot open the SQLite database ({e.Message})", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, string stateName, GrainId grainId, params (string Name, object? Value)[] extra)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@type", grainId.Type.ToString());
        command.Parameters.AddWithValue("@key", grainId.Key.ToString());
        command.Parameters.AddWithValue("@state", stateName);
        foreach (var (name, value) in extra) command.Parameters.AddWithValue("@" + name, value ?? DBNull.Value);
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
