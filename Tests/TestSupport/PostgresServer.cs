using System.Diagnostics;
using Npgsql;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// A private PostgreSQL cluster for the tests, started by <c>scripts/postgres-local.sh</c> in a temp directory
/// on 127.0.0.1 at a free port (fsync off; as a system user when the tests run as root), stopped and deleted
/// on dispose. Use it as a collection fixture (<see cref="PostgresCollection"/>) and give each test its own
/// database (<see cref="CreateDatabase"/>). <see cref="Stop"/> and <see cref="Start"/> restart it mid-test.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    /// <summary>The superuser's password: distinctive, so a test can check it never shows in a message.</summary>
    public const string Password = "pw-Xq7-never-shown";

    public const string User = "sweeps";

    private readonly TempDirectory _temp = new();

    public PostgresServer()
    {
        Directory = _temp.Combine("pg");
        Start();
        Port = int.Parse(File.ReadAllText(Path.Combine(Directory, "port")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The cluster's directory: data/, postgres.log, port.</summary>
    public string Directory { get; }

    public int Port { get; }

    /// <summary>An Npgsql connection string for <paramref name="database"/> (pooling as the caller's data source decides).</summary>
    public string ConnectionString(string database, string password = Password, int? port = null) =>
        $"Host=127.0.0.1;Port={port ?? Port};Username={User};Password={password};Database={database}";

    /// <summary>The same as a <c>postgresql://</c> URI.</summary>
    public string Url(string database) => $"postgresql://{User}:{Password}@127.0.0.1:{Port}/{database}";

    /// <summary>Creates a fresh, empty database and returns its name.</summary>
    public string CreateDatabase(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, 63)];
        Admin($"CREATE DATABASE {name}");
        return name;
    }

    /// <summary>Drops a database, closing any connection still open on it.</summary>
    public void DropDatabase(string name) => Admin($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    /// <summary>Stops the server: <c>fast</c> (clean shutdown, connections told 57P01) or <c>immediate</c> (like a crash).</summary>
    public void Stop(string mode = "fast") => Script("stop", Directory, mode);

    /// <summary>Starts the server (creating the cluster the first time) and waits until it accepts connections.</summary>
    public void Start() => Script("start", Directory);

    public void Dispose()
    {
        try
        {
            Stop("immediate");
        }
        finally
        {
            _temp.Dispose();
        }
    }

    private void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static void Script(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "postgres-local.sh"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["SWEEPS_PG_PASSWORD"] = Password;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"postgres-local.sh {string.Join(' ', args)} did not finish within 2 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"postgres-local.sh {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
    }
}

/// <summary>Tests that share one <see cref="PostgresServer"/> (each with its own databases) run in this collection, one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
