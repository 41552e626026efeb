using System.Reflection;
using System.Text.RegularExpressions;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansSweeps.Silo.Cluster.Postgres;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// Applying the Orleans PostgreSQL schema (versions, idempotence, silos starting together, errors) and the
/// query keys the 10.4.2 providers read. What the queries do is shown by real silos in
/// <see cref="OrleansPostgresClusterTests"/>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class OrleansPostgresSchemaTests(PostgresServer server)
{
    private readonly PostgresOrleans _db = new(server.ConnectionString(server.CreateDatabase("orleans")));

    private string Versions => _db.Scalar<string>("SELECT string_agg(version::text, ',' ORDER BY version) FROM sweeps_orleans_schema")!;

    private static string AllVersions => string.Join(",", OrleansPostgresSchema.Migrations.Select(m => m.Version));

    [Fact]
    public async Task Applying_it_again_changes_nothing()
    {
        await OrleansPostgresSchema.EnsureAsync(_db.ConnectionString, default);
        Assert.Equal("1,2,3", Versions);
        var applied = _db.Scalar<DateTime>("SELECT max(applied_at) FROM sweeps_orleans_schema");
        _db.Execute("INSERT INTO orleans_reminders VALUES ('s', 'g', 'r', now(), 60000, 7, 0)");
        var queries = _db.Scalar<long>("SELECT count(*) FROM OrleansQuery");

        await OrleansPostgresSchema.EnsureAsync(_db.ConnectionString, default);

        Assert.Equal("1,2,3", Versions);
        Assert.Equal(applied, _db.Scalar<DateTime>("SELECT max(applied_at) FROM sweeps_orleans_schema"));
        Assert.Equal(queries, _db.Scalar<long>("SELECT count(*) FROM OrleansQuery"));
        Assert.Equal(1L, _db.Scalar<long>("SELECT count(*) FROM orleans_reminders"));
    }

    [Fact]
    public async Task Silos_applying_it_together_migrate_once()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => OrleansPostgresSchema.EnsureAsync(_db.ConnectionString, default))));
        Assert.Equal(AllVersions, Versions);
    }

    [Fact]
    public async Task Every_query_key_the_providers_read_is_present()
    {
        await OrleansPostgresSchema.EnsureAsync(_db.ConnectionString, default);
        var present = _db.Scalar<string>("SELECT string_agg(QueryKey, ',' ORDER BY QueryKey) FROM OrleansQuery")!.Split(',');

        var required = RequiredKeys(typeof(AdoNetClusteringSiloOptions).Assembly, "Orleans.Clustering.AdoNet.Storage.DbStoredQueries")
            .Concat(RequiredKeys(typeof(AdoNetReminderTableOptions).Assembly, "Orleans.Reminders.AdoNet.Storage.DbStoredQueries"))
            .Concat(QuotedKey().Matches(AdoNetGrainStorage.DefaultInitializationQuery).Select(m => m.Groups[1].Value))
            // Optional in 10.4.2 (read by GetCleanupDefunctSiloEntryQuery); with it, defunct silos are removed one by one.
            .Append("CleanupDefunctSiloEntryKey")
            .ToArray();

        Assert.Equal(21, required.Length);
        Assert.Empty(required.Except(present));
        Assert.Empty(present.Except(required));
    }

    [Fact]
    public async Task A_schema_from_a_newer_program_is_refused()
    {
        await OrleansPostgresSchema.EnsureAsync(_db.ConnectionString, default);
        _db.Execute("INSERT INTO sweeps_orleans_schema (version, description) VALUES (999, 'from the future')");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OrleansPostgresSchema.EnsureAsync(_db.ConnectionString, default));
        Assert.Contains("version 999", error.Message);
    }

    [Fact]
    public async Task An_unreachable_server_fails_in_one_line_naming_it_without_the_password()
    {
        var port = LocalSilo.FreePort();
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            OrleansPostgresSchema.EnsureAsync(server.ConnectionString("nowhere", port: port), default));
        Assert.Contains($"127.0.0.1:{port}/nowhere", error.Message);
        Assert.DoesNotContain(PostgresServer.Password, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>The provider checks at startup that every such property's key is in OrleansQuery.</summary>
    private static IEnumerable<string> RequiredKeys(Assembly provider, string typeName) =>
        provider.GetType(typeName, throwOnError: true)!.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic)
            .Select(p => p.Name).Where(n => n.EndsWith("Key", StringComparison.Ordinal));

    [GeneratedRegex(@"'(\w+Key)'")]
    private static partial Regex QuotedKey();
}
