using System.Globalization;
using System.Net;
using Npgsql;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Cluster;

/// <summary>
/// The readiness the StatefulSet's probe reads, from a real <c>sweeps silo</c> on PostgreSQL: ready only once Orleans
/// has it Active in the membership table (and its health-check participants and the catalog answer), live, and gone
/// from the cluster after SIGTERM.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSiloHealthTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public void A_silo_is_ready_while_active_in_the_cluster_and_leaves_it_on_sigterm()
    {
        using var dir = new TempDirectory();
        var env = cluster.NewStores();
        var port = OtlpReceiver.FreePort();
        using var process = Cli.Start(dir.Path, env, "silo", "--slots", "1", "--device", "cpu", "--silo-port", "0", "--gateway-port", "0",
            "--health-port", port.ToString(CultureInfo.InvariantCulture), "--grace-period", "20");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        Poll.Until(() => process.HasExited || Get(http, "/readyz") is (HttpStatusCode.OK, _), Patience, "readiness");
        Assert.False(process.HasExited, "the silo exited before it was ready");
        Assert.Equal((HttpStatusCode.OK, "ready"), Get(http, "/readyz"));
        Assert.Equal(1L, ActiveSilos(env));
        Assert.Equal((HttpStatusCode.OK, "live"), Get(http, "/healthz"));

        // SIGTERM: the silo leaves the cluster gracefully (the drain's unreadiness is SiloHealth's, tested in process).
        Cli.Signal(process, "TERM");
        var result = Cli.Wait(process, Patience);
        Assert.True(result.ExitCode == 130, result.Stderr);
        Assert.Contains("silo stopped: its runs checkpointed", result.Stderr);
        Assert.Equal(0L, ActiveSilos(env));
    }

    private static long ActiveSilos(IReadOnlyDictionary<string, string> env)
    {
        using var connection = ClusterSweepTests.Connect(env);
        using var command = new NpgsqlCommand("SELECT count(*) FROM orleans_membership WHERE status = 3", connection);
        return (long)command.ExecuteScalar()!;
    }

    private static (HttpStatusCode Status, string Body)? Get(HttpClient http, string path)
    {
        try
        {
            using var response = http.GetAsync(path).GetAwaiter().GetResult();
            return (response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult().Trim());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
