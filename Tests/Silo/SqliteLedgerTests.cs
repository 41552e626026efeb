using OrleansSweeps.Contracts.Identity;
using Microsoft.Data.Sqlite;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Sqlite;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>The ledger contract on the embedded SQLite adapter, plus what only a file can show.</summary>
public sealed class SqliteLedgerTests : LedgerContract, IDisposable
{
    private readonly TempDirectory _home = new();

    protected override ILedger Open(TimeProvider clock) => SqliteLedger.OpenInHome(_home.Path, clock);

    protected override void ForgeNewerSchemaVersion()
    {
        using var connection = new SqliteConnection($"Data Source={_home.Combine(SqliteLedger.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO schema_version VALUES (999, 'from the future', 0)";
        command.ExecuteNonQuery();
    }

    protected override string? StoredSilo(RunId run)
    {
        using var connection = new SqliteConnection($"Data Source={_home.Combine(SqliteLedger.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT silo FROM runs WHERE sweep = $s AND point = $p AND replicate = $r";
        command.Parameters.AddWithValue("$s", run.Sweep);
        command.Parameters.AddWithValue("$p", run.Point);
        command.Parameters.AddWithValue("$r", run.Replicate);
        return command.ExecuteScalar() as string;
    }

    [Fact]
    public async Task A_version_1_ledger_is_migrated_and_its_points_need_a_cpu()
    {
        WriteStoreAt(1, """
            INSERT INTO sweeps VALUES ('old', 'x', 'active', 0);
            INSERT INTO points VALUES ('old', 0, 'lr=1', 1);
            INSERT INTO runs (sweep, point, replicate, state) VALUES ('old', 0, 0, 'queued');
            """);
        await using var ledger = Open();
        Assert.Equal([new RunId("old", 0, 0)], await ledger.ListUnfinishedRunsAsync("old"));
        Assert.Equal("cpu", Query("SELECT device FROM points WHERE sweep = 'old' AND point = 0"));
    }

    protected override IReadOnlyList<string> StoredColumns(string table)
    {
        using var connection = new SqliteConnection($"Data Source={_home.Combine(SqliteLedger.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info($t)";
        command.Parameters.AddWithValue("$t", table);
        using var reader = command.ExecuteReader();
        var columns = new List<string>();
        while (reader.Read()) columns.Add(reader.GetString(0));
        return columns;
    }

    protected override string ReportAtVersion3(int replicate, int step, string payload) =>
        $"INSERT INTO reports VALUES ('old', 0, {step}, {replicate}, '{payload}', 0);";

    private string? Query(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_home.Combine(SqliteLedger.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }

    protected override void WriteStoreAt(int version, string rows)
    {
        using var connection = new SqliteConnection($"Data Source={_home.Combine(SqliteLedger.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL);"
            + string.Concat(SqliteSchema.Migrations.Take(version).Select(m => m.Sql + $"INSERT INTO schema_version VALUES ({m.Version}, 'v{m.Version}', 0);"))
            + rows;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task The_file_is_in_WAL_mode_at_the_latest_schema_version()
    {
        await using (Open()) { }
        using var connection = new SqliteConnection($"Data Source={_home.Combine(SqliteLedger.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT group_concat(version) FROM schema_version";
        Assert.Equal(string.Join(",", SqliteSchema.Migrations.Select(m => m.Version)), command.ExecuteScalar());
    }

    public void Dispose() => _home.Dispose();
}
