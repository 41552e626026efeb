using System.Globalization;
using System.Net;
using Npgsql;
using OrleansSweeps.Tests.TestSupport;
using static OrleansSweeps.Tests.Client.HealthAndLifecycleTests;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// A cluster silo (<c>sweeps silo</c> on a real PostgreSQL, blobs in a directory, free ports) through the real console:
/// it serves health while it trains a detached sweep, <c>sweeps status</c> lists it under its default name with what it
/// trains, and SIGTERM drains it within the grace period: its runs checkpoint, go back to the queue, and exit 130.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterHealthAndLifecycleTests(PostgresServer postgres)
{
    [Fact]
    public void A_cluster_silo_serves_health_and_drains_a_detached_sweep_on_sigterm()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir);
        var database = postgres.CreateDatabase("lifecycle");
        string[] stores = ["--ledger", postgres.Url(database), "--blobs", dir.Combine("blobs")];
        var submitted = Cli.Run(dir.Path, ["run", spec, "--id", "s", "--detach", .. stores]);
        Assert.True(submitted.ExitCode == 0, submitted.Stderr);
        var port = OtlpReceiver.FreePort();
        using var process = Cli.Start(dir.Path, ["silo", "--slots", "2", "--device", "cpu", "--checkpoint-interval", "0",
            "--silo-port", "0", "--gateway-port", "0", "--advertise", "127.0.0.1",
            "--health-port", port.ToString(CultureInfo.InvariantCulture), "--grace-period", "20", .. stores]);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
            Poll.Until(() => process.HasExited || Status(http, "/readyz") == HttpStatusCode.OK, TimeSpan.FromMinutes(1), "readiness");
            Poll.Until(() => process.HasExited || CheckpointsUnder(dir.Combine("blobs")) >= 2, TimeSpan.FromMinutes(1), "checkpoints of both runs");
            Assert.Equal(HttpStatusCode.OK, Status(http, "/healthz"));
            Assert.False(process.HasExited);
            // Without --name a silo is named after its host and process; Orleans says it is active, the catalog what it trains.
            var name = $"{Environment.MachineName}-{process.Id}";
            var training = SiloLine(dir, stores, name);
            Assert.Equal([name, "active", "2", "cpu", "2"], training[..5]);
            Assert.Equal(["s/p0000/r000", "s/p0000/r001"], training[6].Split(' '));

            var (result, took) = Terminate(process);
            Assert.True(took < TimeSpan.FromSeconds(20), $"exit took {took}");
            Assert.True(result.ExitCode == 130, result.Stderr);
            Assert.Equal("silo stopped: its runs checkpointed and go on elsewhere", result.Stderr.Trim());
            Assert.Equal((0L, 0L), RunsTrained(database));
            Assert.Equal([name, "dead", "2", "cpu", "0"], SiloLine(dir, stores, name)[..5]);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The columns of <paramref name="silo"/>'s line in the silo table of <c>sweeps status s</c>.</summary>
    private static string[] SiloLine(TempDirectory dir, string[] stores, string silo)
    {
        var status = Cli.Run(dir.Path, ["status", "s", .. stores]);
        Assert.True(status.ExitCode == 0, status.Stderr);
        var lines = StatusOutput.Rows(status.Stdout, silo);
        Assert.True(lines.Length == 1, status.Stdout);
        return lines[0];
    }

    /// <summary>Runs marked running, and runs naming a silo, in the catalog (queried past the product's code).</summary>
    private (long Running, long OnASilo) RunsTrained(string database)
    {
        using var connection = new NpgsqlConnection(postgres.ConnectionString(database) + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand("SELECT count(*) FILTER (WHERE state = 'running'), count(silo) FROM runs", connection);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
