using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The read-only role Grafana's ledger data source logs in as, created as the deployment creates it (the postgres
/// image's init script, k8s/base/postgres/10-grafana-reader.sh, on an empty database), and queries as that role.
/// </summary>
public static class GrafanaReader
{
    private const string Password = "reader-pw-Zt4";

    // A role belongs to the whole server and the script creates it unconditionally, so it runs once per server, on
    // one database that the panel tests share (each creates its schema there; the program's migrations are idempotent).
    private static readonly Dictionary<PostgresServer, string> Databases = [];

    /// <summary>The database of <paramref name="server"/> the role was created on (by the init script, at the first call).</summary>
    public static string Database(PostgresServer server)
    {
        lock (Databases)
        {
            if (Databases.TryGetValue(server, out var existing)) return existing;
            var database = server.CreateDatabase("grafana");
            RunInitScript(server, database);
            Databases[server] = database;
            return database;
        }
    }

    private static void RunInitScript(PostgresServer server, string database)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Kustomize.Root, "base", "postgres", "10-grafana-reader.sh"));
        start.Environment["POSTGRES_USER"] = PostgresServer.User;
        start.Environment["POSTGRES_DB"] = database;
        start.Environment["GRAFANA_DB_PASSWORD"] = Password;
        start.Environment["PGHOST"] = "127.0.0.1";
        start.Environment["PGPORT"] = server.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGPASSWORD"] = PostgresServer.Password;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "10-grafana-reader.sh: " + stderr.Result);
    }

    public static string ConnectionString(PostgresServer server, string database) =>
        $"Host=127.0.0.1;Port={server.Port};Username=grafana_reader;Password={Password};Database={database};Pooling=false";

    /// <summary>Every row of <paramref name="sql"/>, column name → value (null for NULL).</summary>
    public static List<Dictionary<string, object?>> Query(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i)));
        return rows;
    }
}
