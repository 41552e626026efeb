using OrleansSweeps.Silo.Cluster.Postgres;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The cluster dashboard's silo status panel on a real PostgreSQL as the deployment sets it up (the read-only role
/// from the init script, our Orleans schema): two silos of a real cluster join through the ADO.NET clustering
/// provider, one stops, and the panel's SQL, run as Grafana's role, shows one Active and one Dead.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MembershipPanelTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_silo_status_panel_shows_the_clusters_silos_with_their_status_as_the_read_only_role()
    {
        var database = GrafanaReader.Database(server);
        var db = new PostgresOrleans(server.ConnectionString(database));
        await OrleansPostgresSchema.EnsureAsync(db.ConnectionString, default);
        var sql = Dashboards.Panels(Dashboards.All()["cluster.json"]).Single(p => p["title"]!.GetValue<string>() == "Silo status (Orleans membership table)")
            ["targets"]![0]!["rawSql"]!.GetValue<string>();
        var reader = GrafanaReader.ConnectionString(server, database);

        await using var a = await db.StartSilo("silo-a");
        var b = await db.StartSilo("silo-b");
        var bPort = b.Port;
        await using (b)
        {
            Poll.Until(() => db.StatusOf(a.Port) == 3 && db.StatusOf(bPort) == 3, Patience, "both silos Active in orleans_membership");
            Assert.Equal([("silo-a", "Active"), ("silo-b", "Active")], Silos(GrafanaReader.Query(reader, sql)));
        }
        Poll.Until(() => db.StatusOf(bPort) == 6, Patience, "silo-b Dead in orleans_membership after it stopped");

        var rows = GrafanaReader.Query(reader, sql);
        Assert.Equal([("silo-a", "Active"), ("silo-b", "Dead")], Silos(rows));
        Assert.Equal($"127.0.0.1:{a.Port}", rows[0]["endpoint"]);
        Assert.Equal(PostgresOrleans.ClusterId, rows[0]["cluster"]);
    }

    private static List<(string, string)> Silos(List<Dictionary<string, object?>> rows) =>
        rows.Select(r => ((string)r["silo"]!, (string)r["status"]!)).ToList();
}
