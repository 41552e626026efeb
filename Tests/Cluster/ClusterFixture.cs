using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Cluster;

/// <summary>
/// A real PostgreSQL and a real Azurite on loopback for the cluster tests; each test takes a fresh database
/// and container (<see cref="NewStores"/>) and the environment its `sweeps` processes need.
/// </summary>
public sealed class ClusterFixture : IDisposable
{
    public PostgresServer Postgres { get; } = new();

    public AzuriteServer Azurite { get; } = new();

    /// <summary>Environment for `sweeps` processes working on a fresh database and container.</summary>
    public IReadOnlyDictionary<string, string> NewStores()
    {
        var database = Postgres.CreateDatabase("cluster");
        var container = $"c{Guid.NewGuid():N}"[..20];
        return new Dictionary<string, string>
        {
            ["SWEEPS_LEDGER"] = Postgres.Url(database),
            ["SWEEPS_BLOBS"] = $"azure:{container}",
            ["SWEEPS_BLOB_CONNECTION"] = Azurite.ConnectionString,
        };
    }

    public void Dispose()
    {
        Azurite.Dispose();
        Postgres.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}
