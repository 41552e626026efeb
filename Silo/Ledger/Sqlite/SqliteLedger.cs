using Microsoft.Data.Sqlite;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

/// <summary>
/// The embedded ledger: one SQLite file (default <c>{home}/ledger.db</c>) in WAL mode, so readers never
/// block the one writer. Every operation opens a pooled connection and runs in one <c>BEGIN IMMEDIATE</c>
/// transaction, which takes the write lock up front: writes from many threads or processes on the same
/// file are serialised, so the M-th report of a (point, step) always sees the other M−1. A busy file is waited on (busy timeout)
/// rather than failed. SQLite's I/O is synchronous, so the returned tasks are already complete.
/// </summary>
public sealed partial class SqliteLedger : ILedger
{
    public const string FileName = "ledger.db";

    /// <summary>How long a statement waits for another writer before failing: 30 s.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly TimeProvider _clock;

    private SqliteLedger(string path, TimeProvider clock, SqliteOpenMode mode = SqliteOpenMode.ReadWriteCreate, bool immutable = false)
    {
        Path = path;
        _clock = clock;
        ReadOnly = mode == SqliteOpenMode.ReadOnly;
        _connectionString = new SqliteConnectionStringBuilder
        {
            // immutable=1 (a URI parameter): SQLite reads the file without the WAL index it cannot create in a read-only directory.
            DataSource = immutable ? $"file:{Uri.EscapeDataString(path).Replace("%2F", "/", StringComparison.Ordinal)}?immutable=1" : path,
            Mode = mode,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    /// <summary>Opened for reading only (<see cref="OpenForReading"/>): a write fails with a "read-only" error naming the file.</summary>
    public bool ReadOnly { get; }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating and migrating as needed) the ledger at <c>{home}/ledger.db</c>.</summary>
    public static SqliteLedger OpenInHome(string home, TimeProvider? clock = null) =>
        Open(System.IO.Path.Combine(home, FileName), clock);

    /// <summary>
    /// Opens (creating and migrating as needed) the ledger file at <paramref name="path"/>. A path that
    /// cannot be created or written throws <see cref="StorageUnavailableException"/> naming it; a schema
    /// from a newer program throws <see cref="LedgerSchemaException"/>.
    /// </summary>
    public static SqliteLedger Open(string path, TimeProvider? clock = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        RefuseEmpty(full);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"ledger '{full}': cannot create its directory ({e.Message})", e);
        }
        if (File.Exists(full) && !Writable.Directory(System.IO.Path.GetDirectoryName(full)!))
            throw new StorageUnavailableException($"ledger '{full}': read-only (its directory cannot be written); this verb writes, reading verbs (status, results, report) work");
        var ledger = new SqliteLedger(full, clock ?? TimeProvider.System);
        ledger.Write(connection =>
        {
            // WAL is a property of the file (kept across connections); set it outside any transaction.
            connection.Execute(null, "PRAGMA journal_mode = WAL");
            SqliteSchema.Migrate(connection, ledger.NowMs(), full);
            return true;
        }, inTransaction: false);
        return ledger;
    }

    /// <summary>
    /// Opens an existing ledger to read it, writing nothing: in a read-only home (an archive, a mount) <c>status</c>,
    /// <c>results</c> and <c>report</c> still work. A home that is not writable is read as immutable (no WAL index is
    /// created); a schema older than this program's is refused, as migrating it would write.
    /// </summary>
    public static SqliteLedger OpenForReading(string path, TimeProvider? clock = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        RefuseEmpty(full);
        var ledger = new SqliteLedger(full, clock ?? TimeProvider.System, SqliteOpenMode.ReadOnly, immutable: !Writable.Directory(System.IO.Path.GetDirectoryName(full)!));
        ledger.Read((connection, transaction) =>
        {
            var current = connection.Scalar<long?>(transaction, "SELECT max(version) FROM schema_version") ?? 0;
            if (current > SqliteSchema.KnownVersion)
                throw new LedgerSchemaException($"ledger '{full}': schema version {current} was written by a newer program (this one knows up to {SqliteSchema.KnownVersion}); upgrade sweeps");
            if (current < SqliteSchema.KnownVersion)
                throw new StorageUnavailableException($"ledger '{full}': schema version {current} predates this program's {SqliteSchema.KnownVersion}; a verb that writes (run, resume, cancel) migrates it, in a writable home");
            return true;
        });
        return ledger;
    }

    /// <summary>An empty file is no ledger: opening it would silently make a new, empty one beside the home's blobs.</summary>
    private static void RefuseEmpty(string full)
    {
        if (File.Exists(full) && new FileInfo(full).Length == 0)
            throw new StorageUnavailableException($"ledger '{full}': the file is empty (0 bytes), not a ledger; restore it from a backup, or move it away to start an empty catalog");
    }

    public ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; close them so the file can be moved or deleted.
        using (var connection = new SqliteConnection(_connectionString)) SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private long NowMs() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>Runs <paramref name="body"/> in one write transaction, mapping disk problems to one clear error.</summary>
    private T Write<T>(Func<SqliteConnection, SqliteTransaction?, T> body, bool inTransaction = true) => Run(body, inTransaction, deferred: false);

    /// <summary>Runs <paramref name="body"/> in one read transaction (a consistent snapshot that takes no write lock).</summary>
    private T Read<T>(Func<SqliteConnection, SqliteTransaction?, T> body) => Run(body, inTransaction: true, deferred: true);

    private T Run<T>(Func<SqliteConnection, SqliteTransaction?, T> body, bool inTransaction, bool deferred)
    {
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            connection.Execute(null, $"PRAGMA busy_timeout = {(long)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL");
            if (!inTransaction) return body(connection, null);
            using var transaction = connection.BeginTransaction(deferred);
            var result = body(connection, transaction);
            transaction.Commit();
            return result;
        }
        catch (SqliteException e) when (IsStorageProblem(e))
        {
            throw new StorageUnavailableException($"ledger '{Path}': {SqliteProblems.Describe(e, ReadOnly)}", e);
        }
    }

    private T Write<T>(Func<SqliteConnection, T> body, bool inTransaction) => Write((c, _) => body(c), inTransaction);

    /// <summary>SQLite result codes that say the file, not the statement, is the problem.</summary>
    private static bool IsStorageProblem(SqliteException e) => (e.SqliteErrorCode & 0xFF) is
        3 /* PERM */ or 8 /* READONLY */ or 10 /* IOERR */ or 11 /* CORRUPT */ or 13 /* FULL */ or 14 /* CANTOPEN */ or 26 /* NOTADB */;
}
