using Npgsql;
using OrleansSweeps.Grains.Aggregates;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The science dashboard's ledger panel runs on a real PostgreSQL as the deployment sets it up: the postgres
/// image's init script (k8s/base/postgres) creates the read-only role on an empty database, the program creates
/// its schema, and the panel's SQL, with Grafana's <c>${sweep:sqlstring}</c> filled in, reads the last completed
/// aggregate of each point as that role.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LedgerResultsPanelTests(PostgresServer server)
{
    [Fact]
    public async Task The_final_results_panel_reads_the_latest_completed_aggregate_of_each_point_as_the_read_only_role()
    {
        var database = GrafanaReader.Database(server);
        await (await PostgresLedger.OpenAsync(server.ConnectionString(database))).DisposeAsync();

        var early = Result(50, lhs: 0.25, rhs: 0.5, accuracy: 0.6);
        var late = Result(100, lhs: 0.75, rhs: 0.8, accuracy: 0.9);
        var noLhs = Result(50, lhs: double.NaN, rhs: 0.4, accuracy: 0.7);
        Execute(server.ConnectionString(database), """
            INSERT INTO sweeps VALUES ('s1', 'x', 'active', 0), ('s''2', 'x', 'active', 0);
            INSERT INTO points VALUES ('s1', 0, 'train_size=100', 3), ('s1', 1, 'train_size=1000', 3), ('s''2', 0, 'train_size=5', 3);
            """);
        Execute(server.ConnectionString(database),
            "INSERT INTO aggregates VALUES " +
            "('s1', 0, 50, 'completed', @early, 0, 1), ('s1', 0, 100, 'completed', @late, 0, 2), ('s1', 0, 150, 'running', NULL, 0, NULL), " +
            "('s1', 1, 50, 'completed', @nolhs, 0, 1), ('s''2', 0, 50, 'completed', @late, 0, 1)",
            ("early", early.Format()), ("late", late.Format()), ("nolhs", noLhs.Format()));

        var sql = Dashboards.Panels(Dashboards.All()["science.json"]).Single(p => p["datasource"]!["uid"]!.GetValue<string>() == "ledger")
            ["targets"]![0]!["rawSql"]!.GetValue<string>();
        Assert.Contains("${sweep:sqlstring}", sql, StringComparison.Ordinal);

        var reader = GrafanaReader.ConnectionString(server, database);
        var rows = GrafanaReader.Query(reader, sql.Replace("${sweep:sqlstring}", "'s1'", StringComparison.Ordinal));
        Assert.Equal(2, rows.Count);
        Assert.Equal(0, rows[0]["point"]);
        Assert.Equal(100, rows[0]["step"]);
        Assert.Equal("train_size=100", rows[0]["parameters"]);
        Assert.Equal(0.75, rows[0]["osgr_lhs"]);
        Assert.Equal(0.8, rows[0]["osgr_rhs"]);
        Assert.Equal(0.9, rows[0]["test_acc_mean"]);
        Assert.Equal(1, rows[1]["point"]);
        Assert.Null(rows[1]["osgr_lhs"]);
        Assert.Equal(0.4, rows[1]["osgr_rhs"]);

        // A sweep name with a quote, as Grafana's sqlstring format escapes it.
        Assert.Single(GrafanaReader.Query(reader, sql.Replace("${sweep:sqlstring}", "'s''2'", StringComparison.Ordinal)));

        // The role only reads.
        var refused = Assert.Throws<PostgresException>(() => Execute(reader, "DELETE FROM aggregates"));
        Assert.Equal("42501", refused.SqlState);
    }

    private static AggregateResult Result(int step, double lhs, double rhs, double accuracy)
    {
        var values = AggregateResult.Names.ToDictionary(n => n, _ => 1.5);
        values["osgr_lhs"] = lhs;
        values["osgr_rhs"] = rhs;
        values["test_acc_mean"] = accuracy;
        return new AggregateResult(step, 3, values);
    }

    private static void Execute(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new NpgsqlConnection(connectionString + (connectionString.Contains("Pooling", StringComparison.Ordinal) ? "" : ";Pooling=false"));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }
}
