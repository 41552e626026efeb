using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Cluster.Postgres;

/// <summary>
/// The PostgreSQL tables and queries of the official Orleans ADO.NET providers (clustering, reminders,
/// grain state; invariant <c>"Npgsql"</c>), which ship no SQL and read each statement from
/// <c>OrleansQuery</c> by key. The schema is ours: numbered migrations in <c>Sql/NNN-name.sql</c> (embedded
/// resources), applied in order by <see cref="EnsureAsync"/> and recorded in <c>sweeps_orleans_schema</c>,
/// beside the ledger's own tables in the same database (docs/orleans-postgres.md).
/// </summary>
public static partial class OrleansPostgresSchema
{
    /// <summary>One migration: its number, what it adds (its first comment line), and its statements.</summary>
    public sealed record Migration(int Version, string Description, string Sql);

    /// <summary>Serialises migrations of one database across silos (any constant; this spells "ORLEANS").</summary>
    public const long MigrationLock = 0x4F524C45414E53;

    /// <summary>Every migration, in order; versions are 1, 2, 3, … with no gaps.</summary>
    public static IReadOnlyList<Migration> Migrations { get; } = Load();

    /// <summary>The version this program brings a database to.</summary>
    public static int KnownVersion => Migrations[^1].Version;

    /// <summary>
    /// Creates or migrates the Orleans tables and queries in the database named by
    /// <paramref name="npgsqlConnectionString"/> (an Npgsql connection string or a <c>postgresql://</c> URI).
    /// Idempotent, and safe when several silos start at once: one transaction under a transaction-scoped
    /// advisory lock, so the first applies what is missing, the others wait and find nothing to do, and a
    /// failure leaves the previous version. Call it before the silo starts (the providers read their queries
    /// at startup). A server that cannot be reached, or a failing migration, throws
    /// <see cref="StorageUnavailableException"/> naming server and database (never the password); a database
    /// migrated by a newer program throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public static async Task EnsureAsync(string npgsqlConnectionString, CancellationToken cancel)
    {
        var settings = PostgresConnectionString.Parse(npgsqlConnectionString);
        var server = PostgresConnectionString.Describe(settings);
        try
        {
            await using var connection = new NpgsqlConnection(settings.ConnectionString);
            await connection.OpenAsync(cancel).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancel).ConfigureAwait(false);
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@lock)", cancel, ("lock", MigrationLock)).ConfigureAwait(false);
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS sweeps_orleans_schema (
                    version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, cancel).ConfigureAwait(false);
            await using (var query = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM sweeps_orleans_schema", connection))
            {
                var current = (int)(await query.ExecuteScalarAsync(cancel).ConfigureAwait(false))!;
                if (current > KnownVersion)
                    throw new InvalidOperationException(
                        $"{server}: the Orleans schema is at version {current}, written by a newer program (this one knows up to {KnownVersion}); upgrade sweeps");
                foreach (var migration in Migrations.Where(m => m.Version > current))
                {
                    await ExecuteAsync(connection, migration.Sql, cancel).ConfigureAwait(false);
                    await ExecuteAsync(connection, "INSERT INTO sweeps_orleans_schema (version, description) VALUES (@v, @d)", cancel,
                        ("v", migration.Version), ("d", migration.Description)).ConfigureAwait(false);
                }
            }
            await transaction.CommitAsync(cancel).ConfigureAwait(false);
        }
        catch (NpgsqlException e) when (!cancel.IsCancellationRequested)
        {
            throw new StorageUnavailableException($"{server}: cannot apply the Orleans schema ({e.Message})", e);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancel, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Reads the embedded <c>Sql/NNN-name.sql</c> files; a gap or duplicate in the numbers is a build mistake.</summary>
    private static Migration[] Load()
    {
        var assembly = typeof(OrleansPostgresSchema).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Select(name => (Name: name, Match: ResourceName().Match(name)))
            .Where(r => r.Match.Success)
            .Select(r => Read(assembly, r.Name, int.Parse(r.Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(m => m.Version)
            .ToArray();
        for (var i = 0; i < migrations.Length; i++)
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException($"Orleans schema migrations must be numbered 1..n without gaps; found {string.Join(", ", migrations.Select(m => m.Version))}");
        return migrations;
    }

    private static Migration Read(Assembly assembly, string resource, int version)
    {
        using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
        var sql = reader.ReadToEnd();
        var description = sql.Split('\n', 2)[0].TrimStart('-', ' ').Trim();
        return new Migration(version, description, sql);
    }

    [GeneratedRegex(@"\.Cluster\.Postgres\.Sql\.(\d{3})-[a-z0-9-]+\.sql$")]
    private static partial Regex ResourceName();
}
