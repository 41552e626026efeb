using System.Globalization;
using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.GrainStorage;

/// <summary>
/// Grain state in one SQLite file, for the embedded mode (no servers). One row per (grain type, grain key,
/// state name) holds the state as the silo's <see cref="IGrainStorageSerializer"/> wrote it and a version,
/// which is the ETag. Every write is one conditional statement (insert when the caller saw no row, else
/// update where the version is the one the caller read), so a stale activation's write changes nothing
/// and fails with <see cref="InconsistentStateException"/>: the fencing a run's single writer relies on.
/// <para>
/// Clear keeps a tombstone (payload NULL, version incremented, as the official ADO.NET provider does)
/// rather than deleting the row: versions never go back, so a writer that read before the clear can
/// never match a later row by accident.
/// </para>
/// <para>
/// The file is in WAL mode with <c>synchronous=NORMAL</c>: a write is atomic against process death
/// (SIGKILL), and only a power loss can lose the last commits (README, "Performance notes"). Each
/// operation takes a pooled connection, so the storage is safe from any number of threads; a busy file is
/// waited on for <see cref="BusyTimeout"/>. SQLite's I/O is synchronous, so the tasks are complete on return.
/// </para>
/// </summary>
public sealed partial class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long a statement waits for another writer of the file before failing: 30 s.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS orleans_grain_state (
            grain_type text NOT NULL, grain_key text NOT NULL, state_name text NOT NULL,
            version integer NOT NULL, payload blob,
            PRIMARY KEY (grain_type, grain_key, state_name)) WITHOUT ROWID
        """;

    private const string Key = "grain_type = @type AND grain_key = @key AND state_name = @state";

    private readonly string _name;
    private readonly string _connectionString;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly Lock _createLock = new();
    private volatile bool _created;

    public SqliteGrainStorage(string name, string databasePath, IGrainStorageSerializer serializer, IActivatorProvider activators)
    {
        _name = name;
        Path = System.IO.Path.GetFullPath(databasePath);
        _serializer = serializer;
        _activators = activators;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    /// <summary>The database file (absolute).</summary>
    public string Path { get; }

    /// <summary>
    /// Opens the file when the silo starts, so a bad path stops the silo with one clear error; closes the pooled
    /// connections when it stops (grains are deactivated by then), so the file can be moved or deleted.
    /// </summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(SqliteGrainStorage)}-{_name}", ServiceLifecycleStage.RuntimeInitialize, _ =>
        {
            EnsureCreated();
            return Task.CompletedTask;
        }, _ =>
        {
            using (var connection = new SqliteConnection(_connectionString)) SqliteConnection.ClearPool(connection);
            return Task.CompletedTask;
        });

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Run(connection =>
    {
        using var command = Command(connection, $"SELECT version, payload FROM orleans_grain_state WHERE {Key}", stateName, grainId);
        using var reader = command.ExecuteReader();
        var found = reader.Read();
        var payload = found && !reader.IsDBNull(1) ? (byte[])reader.GetValue(1) : null;
        grainState.ETag = found ? ETagOf(reader.GetInt64(0)) : null;
        grainState.RecordExists = payload is not null;
        grainState.State = payload is not null ? _serializer.Deserialize<T>(new BinaryData(payload)) : _activators.GetActivator<T>().Create();
    });

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Run(connection =>
    {
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var expected = ExpectedVersion(stateName, grainId, grainState.ETag);
        var sql = expected is null
            ? "INSERT INTO orleans_grain_state VALUES (@type, @key, @state, 1, @payload) ON CONFLICT DO NOTHING"
            : $"UPDATE orleans_grain_state SET version = version + 1, payload = @payload WHERE {Key} AND version = @expected";
        using var command = Command(connection, sql, stateName, grainId, ("payload", payload), ("expected", expected));
        if (command.ExecuteNonQuery() == 0) throw Conflict(connection, "write", stateName, grainId, grainState.ETag);
        grainState.ETag = ETagOf((expected ?? 0) + 1);
        grainState.RecordExists = true;
    });

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Run(connection =>
    {
        var expected = ExpectedVersion(stateName, grainId, grainState.ETag);
        if (expected is null)
        {
            // The caller saw no row: clearing nothing is done, unless a row has appeared since.
            if (StoredVersion(connection, stateName, grainId) is not null) throw Conflict(connection, "clear", stateName, grainId, null);
        }
        else
        {
            using var command = Command(connection, $"UPDATE orleans_grain_state SET version = version + 1, payload = NULL WHERE {Key} AND version = @expected",
                stateName, grainId, ("expected", expected));
            if (command.ExecuteNonQuery() == 0) throw Conflict(connection, "clear", stateName, grainId, grainState.ETag);
            grainState.ETag = ETagOf(expected.Value + 1);
        }
        // Orleans leaves the in-memory state to the provider: a cleared grain holds a fresh state, as after a read of nothing.
        grainState.State = _activators.GetActivator<T>().Create();
        grainState.RecordExists = false;
    });

    /// <summary>The version the caller read (null: it saw no row); an ETag this storage never issued is a conflict.</summary>
    private long? ExpectedVersion(string stateName, GrainId grainId, string? etag) =>
        etag is null ? null
        : long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version
        : throw new InconsistentStateException($"grain state '{stateName}' of {grainId} in '{Path}': ETag '{etag}' is not a version of this storage", "unknown", etag);

    private InconsistentStateException Conflict(SqliteConnection connection, string operation, string stateName, GrainId grainId, string? etag)
    {
        var stored = StoredVersion(connection, stateName, grainId) is { } version ? ETagOf(version) : null;
        return new InconsistentStateException(
            $"grain state '{stateName}' of {grainId} in '{Path}': {operation} refused, the caller read version {etag ?? "none"} but version {stored ?? "none"} is stored",
            stored ?? "none", etag ?? "none");
    }

    private static string ETagOf(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static long? StoredVersion(SqliteConnection connection, string stateName, GrainId grainId)
    {
        using var command = Command(connection, $"SELECT version FROM orleans_grain_state WHERE {Key}", stateName, grainId);
        return command.ExecuteScalar() is long version ? version : null;
    }
}
