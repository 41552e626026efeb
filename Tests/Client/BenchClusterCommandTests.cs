using System.Globalization;
using System.Text.RegularExpressions;
using OrleansSweeps.Tests.Cluster;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// <c>sweeps bench cluster</c> on a real PostgreSQL and Azurite, at small sizes: it prints runs per second and blob rates
/// of the cluster beside the embedded stores, and the failover time of a SIGKILLed <c>sweeps silo</c>; timings are not asserted.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class BenchClusterCommandTests(ClusterFixture cluster)
{
    [Fact]
    public void Cluster_prints_runs_per_second_blob_rates_and_the_median_time_from_a_kill_to_training_again()
    {
        using var dir = new TempDirectory();
        var result = Cli.Run(dir.Path, cluster.NewStores(), "bench", "cluster", "--runs", "6", "--silos", "2", "--vectors", "1", "--kills", "1");

        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        var lines = result.Stdout.Split('\n');
        Assert.Equal("6 one-step runs through 2 silos of 1 slot(s) and through one embedded silo of 2; 1 vectors of 4 MiB", lines[0]);
        foreach (var label in new[] { "embedded (SQLite + files)", "cluster" })
        {
            // The stores' column is 30 wide.
            var row = lines.Single(l => l.StartsWith($"  {label,-30} ", StringComparison.Ordinal));
            var figures = Figures().Matches(row[32..]).Take(3).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(figures.Length == 3 && figures.All(f => f > 0), row);
        }
        Assert.Single(lines, l => Kill().IsMatch(l));
        Assert.Single(lines, l => l.StartsWith("  median of 1 kills: ", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\d+(\.\d+)?")]
    private static partial Regex Figures();

    [GeneratedRegex(@"^  failover-\S+ \(\d run\(s\)\): \d+\.\d\d s$")]
    private static partial Regex Kill();
}
