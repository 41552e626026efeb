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
        Assert.Equal("1", command.ExecuteScalar());
    }

    public void Dispose() => _home.Dispose();
}
