using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using OrleansSweeps.Client.Hosting;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// The silo's health endpoints (in process, on a manual clock; and through the real console, for <c>run</c> and
/// <c>silo</c>) and SIGTERM: a drain within <c>--grace-period</c> exits 130 with checkpoints; one that outlasts it
/// leaves no run marked running (they are queued for the next run) and exits 3. A cluster silo's are in <see cref="ClusterHealthAndLifecycleTests"/>.
/// </summary>
public sealed class HealthAndLifecycleTests
{
    // One point, two replicates of 20,000 updates: still training whenever the signal lands.
    private const string LongSpec = """
        name: lifecycle-health
        seed: 5
        replicates: 2
        train_size: 200
        dataset:
          kind: two-circles
          noise: 0.1
          test_size: 200
        model:
          kind: mlp
          hidden: [32]
        training:
          optimizer: gd
          lr: 0.1
          steps: 20000
        record:
          every: 1000
        checkpoint_every: 20
        """;

    [Fact]
    public async Task Liveness_follows_the_loop_and_readiness_the_ledger_and_the_drain()
    {
        var clock = new ManualClock();
        var health = new SiloHealth(clock);
        await using var server = await SiloHealthServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), health);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Endpoint.Port}") };

        Assert.Equal((HttpStatusCode.OK, "live"), await Get(http, "/healthz"));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "ledger not reached yet"), await Get(http, "/readyz"));
        health.LedgerAnswered();
        Assert.Equal((HttpStatusCode.OK, "ready"), await Get(http, "/readyz"));

        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "silo loop silent for 31 s"), await Get(http, "/healthz"));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "ledger silent for 31 s"), await Get(http, "/readyz"));
        health.Ticked();
        health.LedgerAnswered();
        Assert.Equal((HttpStatusCode.OK, "live"), await Get(http, "/healthz"));
        Assert.Equal((HttpStatusCode.OK, "ready"), await Get(http, "/readyz"));

        health.StartedDraining();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "draining"), await Get(http, "/readyz"));
        Assert.Equal((HttpStatusCode.OK, "live"), await Get(http, "/healthz"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/other")).StatusCode);

        // A port in use is an IOException naming the endpoint.
        var error = await Assert.ThrowsAsync<IOException>(() => SiloHealthServer.StartAsync(server.Endpoint, health));
        Assert.Contains(server.Endpoint.ToString(), error.Message);
    }

    [Fact]
    public void A_silo_serves_health_while_running_and_sigterm_drains_within_the_grace_period()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir);
        var home = dir.Combine("h");
        var port = OtlpReceiver.FreePort();
        using var process = Cli.Start(dir.Path, "run", spec, "--home", home, "--id", "s", "--slots", "2", "--checkpoint-interval", "0",
            "--health-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--grace-period", "20");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        Poll.Until(() => process.HasExited || Status(http, "/readyz") == HttpStatusCode.OK, TimeSpan.FromMinutes(1), "readiness");
        Poll.Until(() => process.HasExited || Checkpoints(home) >= 2, TimeSpan.FromMinutes(1), "checkpoints of both runs");
        Assert.Equal(HttpStatusCode.OK, Status(http, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, Status(http, "/readyz"));
        Assert.False(process.HasExited);

        var (result, took) = Terminate(process);
        Assert.True(took < TimeSpan.FromSeconds(20), $"exit took {took}");
        Assert.True(result.ExitCode == 130, result.Stderr);
        Assert.Contains("interrupted: checkpoints saved", result.Stderr);
        Assert.Equal("", result.Stdout.Trim()); // Kestrel wrote nothing
        Assert.Equal(0, RunsHeld(home));
    }

    [Fact]
    public void A_drain_longer_than_the_grace_period_queues_its_runs_again_and_exits_3()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir);
        var home = dir.Combine("h");
        using var process = Cli.Start(dir.Path, "run", spec, "--home", home, "--id", "s", "--slots", "2", "--checkpoint-interval", "0", "--grace-period", "0");
        Poll.Until(() => process.HasExited || Checkpoints(home) >= 2, TimeSpan.FromMinutes(1), "checkpoints of both runs");
        Assert.False(process.HasExited);

        var (result, took) = Terminate(process);
        Assert.True(took < TimeSpan.FromSeconds(15), $"exit took {took}");
        Assert.True(result.ExitCode == 3, result.Stderr);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: drain exceeded the 0 s grace period: 2 run(s) stopped without a final checkpoint", line);
        Assert.Equal(0, RunsHeld(home));
    }

    [Fact]
    public void Lifecycle_options_are_checked_before_anything_is_written()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir);
        foreach (var (args, expected) in new[]
                 {
                     (new[] { "--health-port", "70000" }, "--health-port 70000: must be 1 to 65535"),
                     (["--health-port", "8080", "--health-address", "pod"], "--health-address 'pod': expected an IP address"),
                     (["--grace-period", "-1"], "--grace-period -1: must be 0 to 86400 seconds"),
                 })
        {
            var result = Cli.Run(dir.Path, ["run", spec, "--home", dir.Combine("h"), .. args]);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains(expected, result.Stderr);
            Assert.False(Directory.Exists(dir.Combine("h")));
        }
    }

    /// <summary>SIGTERM, then the command's result and how long after the signal it exited.</summary>
    internal static (Cli.Result Result, TimeSpan Took) Terminate(Process process)
    {
        var signalled = Stopwatch.StartNew();
        Cli.Signal(process, "TERM");
        var result = Cli.Wait(process);
        return (result, signalled.Elapsed);
    }

    internal static string WriteSpec(TempDirectory dir)
    {
        var path = dir.Combine("spec.yaml");
        File.WriteAllText(path, LongSpec);
        return path;
    }

    private static async Task<(HttpStatusCode, string)> Get(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return (response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
    }

    internal static HttpStatusCode? Status(HttpClient http, string path)
    {
        try
        {
            using var response = http.GetAsync(path).GetAwaiter().GetResult();
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static int Checkpoints(string home) => CheckpointsUnder(Path.Combine(home, "blobs"));

    /// <summary>Runs of sweep <c>s</c> with a checkpoint, in the blob directory <paramref name="blobs"/>.</summary>
    internal static int CheckpointsUnder(string blobs)
    {
        var runs = Path.Combine(blobs, "sweeps", "s", "runs");
        return Directory.Exists(runs) ? Directory.GetDirectories(runs, "checkpoints", SearchOption.AllDirectories).Count(d => Directory.EnumerateFiles(d, "*.ckpt").Any()) : 0;
    }

    /// <summary>Runs still marked running in a home's <c>ledger.db</c>.</summary>
    private static long RunsHeld(string home)
    {
        using var ledger = new SqliteConnection($"Data Source={Path.Combine(home, "ledger.db")};Mode=ReadOnly;Pooling=False");
        ledger.Open();
        using var query = ledger.CreateCommand();
        query.CommandText = "SELECT count(*) FROM runs WHERE state = 'running'";
        return (long)query.ExecuteScalar()!;
    }
}
