using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Runtime;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// The time from SIGKILL of a silo to its runs training again elsewhere. Real <c>sweeps silo</c> processes of
/// <see cref="SlotsPerSilo"/> slots on the shared stores train a sweep of one long run per silo, so the survivors always
/// have free slots and the time is the cluster's, not a wait for one. Each kill takes a silo that trains some run; its
/// runs train again when the catalog counts their next start (<c>runs.attempts</c>, read with SQL, apart from the code
/// under test). The killed silo is replaced before the next kill. The silos join the default cluster of the database.
/// </summary>
internal static class ClusterFailover
{
    private const int SlotsPerSilo = 2;

    /// <summary>Runs that outlast any bench: the sweep is cancelled at the end.</summary>
    private const string LongRuns = """
        name: bench-failover
        seed: 1
        replicates: 1
        train_size: 64
        dataset: {{kind: toy-product, noise: 1.0, test_size: 64}}
        model: {{kind: mlp, hidden: [8]}}
        training: {{optimizer: gd, lr: 0.001, steps: 100000000}}
        record: {{every: 100000000}}
        grid:
          seed: [{0}]
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>One kill: the silo, how many runs it trained, and how long until they all trained again.</summary>
    public sealed record Kill(string Silo, int Runs, TimeSpan Failover);

    public static async Task<IReadOnlyList<Kill>> MeasureAsync(StoreSettings settings, int silos, int kills, Action<Kill> told, CancellationToken cancel)
    {
        var sweep = $"failover-{Guid.NewGuid():N}"[..20];
        var runs = Enumerable.Range(0, silos).Select(p => new RunId(sweep, p, 0)).ToArray();
        var stores = SweepStores.Open(settings, create: true);
        var processes = new List<SiloProcess>();
        await using (stores.ConfigureAwait(false))
        {
            var catalog = new SweepCatalog(sweep, new LedgerSweepStore(stores.Ledger, stores.Blobs));
            catalog.Submit(SpecLoader.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, LongRuns, string.Join(", ", Enumerable.Range(1, silos))), "bench long runs"));
            IHost? client = null;
            try
            {
                processes.AddRange(await Task.WhenAll(Enumerable.Range(1, silos).Select(i => SiloProcess.StartAsync($"{sweep}-{i}", SlotsPerSilo, settings, cancel))).ConfigureAwait(false));
                // A client finds the gateways in the membership table: it connects once the silos are in.
                client = await ClusterHosting.ConnectClientAsync(settings.Ledger!, new ClusterSettings(), cancel).ConfigureAwait(false);
                var grains = client.Services.GetRequiredService<IGrainFactory>();
                await grains.GetGrain<ISweepGrain>(sweep).Drive().ConfigureAwait(false);
                var attempts = new Attempts(settings.Ledger!, sweep);
                var measured = new List<Kill>();
                for (var k = 0; k < kills; k++)
                {
                    var placed = await PlacementAsync(grains, runs, attempts, processes, cancel).ConfigureAwait(false);
                    var victim = processes.First(p => placed.ContainsValue(p.Port));
                    var victimRuns = placed.Where(r => r.Value == victim.Port).Select(r => r.Key).ToArray();
                    var before = await attempts.ReadAsync(cancel).ConfigureAwait(false);
                    var killed = Stopwatch.GetTimestamp();
                    victim.Kill();
                    await WaitAsync(async () => (await attempts.ReadAsync(cancel).ConfigureAwait(false)) is var now && victimRuns.All(r => now[r] > before[r]),
                        $"the runs of killed silo {victim.Name} to train again", cancel).ConfigureAwait(false);
                    var kill = new Kill(victim.Name, victimRuns.Length, Stopwatch.GetElapsedTime(killed));
                    measured.Add(kill);
                    told(kill);
                    processes.Remove(victim);
                    victim.Dispose();
                    processes.Add(await SiloProcess.StartAsync($"{sweep}-{silos + k + 1}", SlotsPerSilo, settings, cancel).ConfigureAwait(false));
                }
                return measured;
            }
            finally
            {
                await stores.Ledger.CancelSweepAsync(sweep, CancellationToken.None).ConfigureAwait(false);
                foreach (var process in processes) process.Dispose();
                if (client is not null)
                {
                    await client.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    client.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// Waits until every run trains on a live silo, and says where: the silo port each run's grain answers from. Only runs
    /// the catalog shows started are asked (their grains are active, so asking starts nothing).
    /// </summary>
    private static async Task<Dictionary<RunId, int>> PlacementAsync(IGrainFactory grains, RunId[] runs, Attempts attempts, List<SiloProcess> processes, CancellationToken cancel)
    {
        var placed = new Dictionary<RunId, int>();
        await WaitAsync(async () =>
        {
            placed.Clear();
            var started = await attempts.ReadAsync(cancel).ConfigureAwait(false);
            if (runs.Any(r => started.GetValueOrDefault(r) == 0)) return false;
            foreach (var run in runs)
            {
                RunStart start;
                try
                {
                    start = await grains.GetGrain<IRunGrain>(run.ToString()).Start().ConfigureAwait(false);
                }
                catch (Exception e) when (e is OrleansException or TimeoutException)
                {
                    // The client still knew the run's grain on the killed silo (its activation moved since): ask again.
                    return false;
                }
                var port = SiloAddress.FromParsableString(start.Silo).Endpoint.Port;
                if (start.Admission is not RunAdmission.Training || processes.All(p => p.Port != port)) return false;
                placed[run] = port;
            }
            return true;
        }, "every run to train on a live silo", cancel).ConfigureAwait(false);
        return placed;
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        while (!await done().ConfigureAwait(false))
        {
            if (clock.Elapsed > Patience) throw new TimeoutException($"bench: waited {Patience.TotalSeconds} s for {what}");
            await Task.Delay(Poll, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>The catalog's count of starts of each run of the sweep, read with plain SQL.</summary>
    private sealed class Attempts(string postgres, string sweep)
    {
        private readonly string _connection = PostgresConnectionString.Parse(postgres).ConnectionString;

        public async Task<Dictionary<RunId, int>> ReadAsync(CancellationToken cancel)
        {
            await using var connection = new NpgsqlConnection(_connection);
            await connection.OpenAsync(cancel).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT point, replicate, attempts FROM runs WHERE sweep = @s", connection);
            command.Parameters.AddWithValue("s", sweep);
            await using var reader = await command.ExecuteReaderAsync(cancel).ConfigureAwait(false);
            var counts = new Dictionary<RunId, int>();
            while (await reader.ReadAsync(cancel).ConfigureAwait(false)) counts[new RunId(sweep, reader.GetInt32(0), reader.GetInt32(1))] = reader.GetInt32(2);
            return counts;
        }
    }
}
