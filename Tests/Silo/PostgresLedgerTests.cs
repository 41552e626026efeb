using Npgsql;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// The ledger contract on the PostgreSQL adapter (a real server, a fresh database per test, left for the
/// fixture to delete with the cluster: dropping one costs as much as a test), plus its schema.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerTests(PostgresServer server) : LedgerContract
{
    private readonly string _database = server.CreateDatabase();

    protected override ILedger Open(TimeProvider clock) => PostgresLedger.Open(server.ConnectionString(_database), clock);

    protected override void ForgeNewerSchemaVersion() => Execute("INSERT INTO schema_version VALUES (999, 'from the future', 0)");

    [Fact]
    public async Task The_database_is_at_the_latest_schema_version_and_a_URI_opens_it_too()
    {
        await using (var ledger = PostgresLedger.Open(server.Url(_database), Clock))
            Assert.Equal($"postgresql://{PostgresServer.User}@127.0.0.1:{server.Port}/{_database}", ledger.Server);

        Assert.Equal(string.Join(",", PostgresSchema.Migrations.Select(m => m.Version)), Execute("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version"));
    }

    [Fact]
    public async Task Silos_opening_a_new_database_together_migrate_it_once()
    {
        var ledgers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostgresLedger.OpenAsync(server.ConnectionString(_database), Clock)));
        foreach (var ledger in ledgers) await ledger.DisposeAsync();

        Assert.Equal(string.Join(",", PostgresSchema.Migrations.Select(m => m.Version)), Execute("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version"));
    }

    protected override void WriteStoreAt(int version, string rows) =>
        Execute("CREATE TABLE schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at bigint NOT NULL);"
            + string.Concat(PostgresSchema.Migrations.Take(version).Select(m => m.Sql + $"INSERT INTO schema_version VALUES ({m.Version}, 'v{m.Version}', 0);"))
            + rows);

    protected override string? StoredSilo(RunId run) =>
        Execute($"SELECT coalesce(silo, '(null)') FROM runs WHERE sweep = '{run.Sweep}' AND point = {run.Point} AND replicate = {run.Replicate}") is { } silo and not "(null)" ? silo : null;

    protected override IReadOnlyList<string> StoredColumns(string table) =>
        Execute($"SELECT coalesce(string_agg(column_name::text, ',' ORDER BY ordinal_position), '') FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'")!
            .Split(',', StringSplitOptions.RemoveEmptyEntries);

    protected override string ReportAtVersion3(int replicate, int step, string payload) =>
        $"INSERT INTO reports VALUES ('old', 0, {step}, {replicate}, '{payload}', 0, 7);";

    private string? Execute(string sql)
    {
        using var connection = new NpgsqlConnection(server.ConnectionString(_database) + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar()?.ToString();
    }
}
