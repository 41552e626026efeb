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
            var error = Fails(env, ["not-the-password-xyz"], verb);
            Assert.Contains($"127.0.0.1:{cluster.Postgres.Port}", error);
            Assert.DoesNotContain("not-the-password-xyz", error);
        }
    }

    [Fact]
    public void A_wrong_database_port_is_named()
    {
        var env = WithLedger(cluster.NewStores(), u => u.Replace($":{cluster.Postgres.Port}/", ":1/", StringComparison.Ordinal));
        Assert.Contains("127.0.0.1:1", Fails(env, [PostgresServer.Password], "status"));
        Assert.Contains("127.0.0.1:1", Fails(env, [PostgresServer.Password], Silo));
    }

    [Fact]
    public void A_wrong_storage_key_names_account_endpoint_and_container_not_the_key()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var env = WithBlobs(cluster.NewStores(), connection: cluster.Azurite.ConnectionString.Replace(AzuriteServer.DevelopmentKey, wrongKey, StringComparison.Ordinal));
        foreach (var verb in new[] { ["run", "spec.yaml", "--detach"], Silo })
        {
            var error = Fails(env, [wrongKey, AzuriteServer.DevelopmentKey], verb);
            AssertNamesTheStore(error, env, cluster.Azurite.Port);
            Assert.Contains("authentication failed (403", error);
        }
    }

    [Fact]
    public void A_wrong_storage_endpoint_is_named()
    {
        var env = WithBlobs(cluster.NewStores(), connection: cluster.Azurite.ConnectionString.Replace($":{cluster.Azurite.Port}/", ":1/", StringComparison.Ordinal));
        // Not a silo: one rides out a storage outage as it starts, as it does once running.
        AssertNamesTheStore(Fails(env, [AzuriteServer.DevelopmentKey], "status"), env, port: 1);
    }

    [Fact]
    public void A_silo_port_in_use_is_named()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var error = Fails(cluster.NewStores(), [PostgresServer.Password, AzuriteServer.DevelopmentKey],
            ["silo", "--slots", "1", "--silo-port", port, "--gateway-port", "0", "--advertise", "127.0.0.1"]);
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
        var error = Fails(env, [AzuriteServer.DevelopmentKey], "results", "s");
        AssertNamesTheStore(error, env, cluster.Azurite.Port);
        Assert.Contains("does not exist", error);
    }

    [Fact]
    public void An_expired_sas_says_so_and_names_the_store_not_the_signature()
    {
        var env = cluster.NewStores();
        var expired = cluster.Azurite.SasUrl(env["SWEEPS_BLOBS"]["azure:".Length..], DateTimeOffset.UtcNow.AddMinutes(-5));
        var signature = System.Web.HttpUtility.ParseQueryString(expired.Query)["sig"]!;
        env = WithBlobs(env, connection: "", blobs: expired.AbsoluteUri);
        var error = Fails(env, [signature, Uri.EscapeDataString(signature), AzuriteServer.DevelopmentKey], "status");
        AssertNamesTheStore(error, env, cluster.Azurite.Port);
        Assert.Contains("the SAS expired at", error);
    }

    [Fact]
    public void An_account_url_without_a_microsoft_entra_credential_names_the_store()
    {
        var env = cluster.NewStores();
        var container = env["SWEEPS_BLOBS"]["azure:".Length..];
        env = WithBlobs(env, connection: "", blobs: $"https://127.0.0.1:{cluster.Azurite.Port}/{AzuriteServer.DevelopmentAccount}/{container}");
        // Only the environment's service principal is tried, which is not set: DefaultAzureCredential finds nothing at once.
        var error = Fails(new Dictionary<string, string>(env) { ["AZURE_TOKEN_CREDENTIALS"] = "environmentcredential" }, [AzuriteServer.DevelopmentKey], "status");
        AssertNamesTheStore(error, env, cluster.Azurite.Port);
        Assert.Contains("no Microsoft Entra token from DefaultAzureCredential", error);
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

    /// <summary>
    /// Runs the verb (with a small spec in the working directory); asserts one error line, a non-zero exit within
    /// 30 s, and none of <paramref name="secrets"/> (nor their first 16 characters) anywhere in the output.
    /// </summary>
    private static string Fails(IReadOnlyDictionary<string, string> env, string[] secrets, params string[] args)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("spec.yaml"), SpecText);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Cli.Run(dir.Path, env, args);
        Assert.NotEqual(0, result.ExitCode);
        var lines = result.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal), $"stderr: {result.Stderr}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed.TotalSeconds:F0} s");
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, result.Stdout + result.Stderr);
            Assert.DoesNotContain(secret[..Math.Min(16, secret.Length)], result.Stdout + result.Stderr);
        }
        return lines[0];
    }

    /// <summary>The error names the account, the endpoint (127.0.0.1:<paramref name="port"/>) and the container.</summary>
    private static void AssertNamesTheStore(string error, IReadOnlyDictionary<string, string> env, int port)
    {
        Assert.Contains($"account '{AzuriteServer.DevelopmentAccount}' at ", error);
        Assert.Contains($"127.0.0.1:{port}/", error);
        Assert.Contains($"container '{env["SWEEPS_BLOBS"].Split('?')[0].Split('/', ':')[^1]}'", error);
    }

    private static Dictionary<string, string> WithBlobs(IReadOnlyDictionary<string, string> env, string connection, string? blobs = null) =>
        new(env) { ["SWEEPS_BLOB_CONNECTION"] = connection, ["AZURE_STORAGE_CONNECTION_STRING"] = "", ["SWEEPS_BLOBS"] = blobs ?? env["SWEEPS_BLOBS"] };

    private static Dictionary<string, string> WithLedger(IReadOnlyDictionary<string, string> env, Func<string, string> change) =>
        new(env) { ["SWEEPS_LEDGER"] = change(env["SWEEPS_LEDGER"]) };
}
