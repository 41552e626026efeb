using OrleansSweeps.Silo.Blobs.Azure;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Cluster;

/// <summary>
/// Every way of pointing the console or a cluster silo at the wrong shared store (or a silo at a port in use) ends in
/// one clear line, no secret in it, a non-zero exit, quickly.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterErrorTests(ClusterFixture cluster)
{
    private const string SpecText = "name: tiny\nreplicates: 1\ntrain_size: 10\ndataset: {kind: toy-product, test_size: 10}\nmodel: {kind: mlp, hidden: [2]}\ntraining: {optimizer: gd, lr: 0.1, steps: 2}\n";

    [Fact]
    public void A_wrong_database_password_names_the_database_not_the_password()
    {
        var env = WithLedger(cluster.NewStores(), u => u.Replace(PostgresServer.Password, "not-the-password-xyz", StringComparison.Ordinal));
        foreach (var verb in new[] { ["status"], Silo })
        {
            var error = Fails(env, verb);
            Assert.Contains($"127.0.0.1:{cluster.Postgres.Port}", error);
            Assert.DoesNotContain("not-the-password-xyz", error);
        }
    }

    [Fact]
    public void A_wrong_database_port_is_named()
    {
        var env = WithLedger(cluster.NewStores(), u => u.Replace($":{cluster.Postgres.Port}/", ":1/", StringComparison.Ordinal));
        Assert.Contains("127.0.0.1:1", Fails(env, "status"));
        Assert.Contains("127.0.0.1:1", Fails(env, Silo));
    }

    [Fact]
    public void A_wrong_storage_key_names_the_account_not_the_key()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var env = new Dictionary<string, string>(cluster.NewStores())
        {
            ["SWEEPS_BLOB_CONNECTION"] = cluster.Azurite.ConnectionString.Replace(AzureBlobConnection.DevelopmentKey, wrongKey, StringComparison.Ordinal),
        };
        foreach (var verb in new[] { ["run", "spec.yaml", "--detach"], Silo })
        {
            var error = Fails(env, verb);
            Assert.Contains(AzureBlobConnection.DevelopmentAccount, error);
            Assert.DoesNotContain(wrongKey, error);
            Assert.DoesNotContain(AzureBlobConnection.DevelopmentKey, error);
        }
    }

    [Fact]
    public void A_wrong_storage_endpoint_is_named()
    {
        var env = new Dictionary<string, string>(cluster.NewStores())
        {
            ["SWEEPS_BLOB_CONNECTION"] = cluster.Azurite.ConnectionString.Replace($":{cluster.Azurite.Port}/", ":1/", StringComparison.Ordinal),
        };
        // Not a silo: one rides out a storage outage as it starts (12 attempts, about 40 s), as it does once running.
        Assert.Contains("127.0.0.1:1", Fails(env, "status"));
    }

    [Fact]
    public void A_silo_port_in_use_is_named()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var error = Fails(cluster.NewStores(), ["silo", "--slots", "1", "--silo-port", port, "--gateway-port", "0", "--advertise", "127.0.0.1"]);
        Assert.StartsWith($"error: silo port {port} or gateway port ", error);
        Assert.EndsWith(": already in use on this host (Address already in use)", error);
    }

    [Fact]
    public void A_silo_needs_a_postgresql_ledger()
    {
        using var dir = new TempDirectory();
        var silo = Cli.Run(dir.Path, ["silo", "--ledger", dir.Combine("ledger.db"), "--blobs", dir.Combine("blobs")]);
        Assert.Equal(2, silo.ExitCode);
        Assert.Equal("error: sweeps silo needs a PostgreSQL --ledger: the cluster's membership, reminders and run states live there", silo.Stderr.Trim());
        Assert.False(File.Exists(dir.Combine("ledger.db")));
    }

    [Fact]
    public void A_missing_container_is_an_error_for_verbs_that_only_read()
    {
        var env = cluster.NewStores();
        var error = Fails(env, "results", "s");
        Assert.Contains("container", error);
        Assert.Contains(env["SWEEPS_BLOBS"]["azure:".Length..], error);
    }

    [Fact]
    public void An_oversized_spec_is_refused_before_anything_is_stored()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("big.yaml");
        File.WriteAllText(spec, SpecText + "# " + new string('x', 2 << 20) + "\n");
        var env = cluster.NewStores();
        var run = Cli.Run(dir.Path, env, "run", spec, "--detach");
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("big.yaml", run.Stderr);
        Assert.Contains("limit", run.Stderr);
        // Nothing reached the ledger: the spec is checked before the stores are even opened.
        using var connection = ClusterSweepTests.Connect(env);
        using var command = new Npgsql.NpgsqlCommand("SELECT to_regclass('sweeps') IS NULL", connection);
        Assert.True((bool)command.ExecuteScalar()!);
    }

    [Fact]
    public void Ledger_without_blobs_and_home_with_ledger_are_usage_errors()
    {
        using var dir = new TempDirectory();
        var env = cluster.NewStores();
        var ledgerOnly = Cli.Run(dir.Path, "status", "--ledger", env["SWEEPS_LEDGER"]);
        Assert.NotEqual(0, ledgerOnly.ExitCode);
        Assert.Contains("--blobs", ledgerOnly.Stderr);
        var both = Cli.Run(dir.Path, env, "status", "--home", dir.Path);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--home", both.Stderr);
        var detached = Cli.Run(dir.Path, "run", "spec.yaml", "--detach", "--home", dir.Path);
        Assert.NotEqual(0, detached.ExitCode);
    }

    /// <summary>A silo of the cluster the environment names, on free ports.</summary>
    private static readonly string[] Silo = ["silo", "--slots", "1", "--silo-port", "0", "--gateway-port", "0", "--advertise", "127.0.0.1"];

    /// <summary>Runs the verb (with a small spec in the working directory); asserts one error line and a non-zero exit within 30 s.</summary>
    private static string Fails(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("spec.yaml"), SpecText);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Cli.Run(dir.Path, env, args);
        Assert.NotEqual(0, result.ExitCode);
        var lines = result.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal), $"stderr: {result.Stderr}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed.TotalSeconds:F0} s");
        return lines[0];
    }

    private static Dictionary<string, string> WithLedger(IReadOnlyDictionary<string, string> env, Func<string, string> change) =>
        new(env) { ["SWEEPS_LEDGER"] = change(env["SWEEPS_LEDGER"]) };
}
