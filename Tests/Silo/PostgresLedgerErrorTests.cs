using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>What retrying cannot fix fails at once, as one line naming server and database, never the password.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerErrorTests(PostgresServer server)
{
    private const string WrongPassword = "wrong-pw-Zk4";

    private static StorageUnavailableException OpenFails(string connectionString)
    {
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<StorageUnavailableException>(() => PostgresLedger.Open(connectionString));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"failed after {clock.Elapsed.TotalSeconds:0.0} s, expected at once");
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain(PostgresServer.Password, error.Message);
        Assert.DoesNotContain(WrongPassword, error.Message);
        return error;
    }

    [Fact]
    public void A_wrong_password_names_server_user_and_database()
    {
        var database = server.CreateDatabase();

        var error = OpenFails(server.ConnectionString(database, password: WrongPassword));

        Assert.Equal($"ledger postgresql://sweeps@127.0.0.1:{server.Port}/{database}: password authentication failed for user \"sweeps\" (28P01)", error.Message);
    }

    [Fact]
    public void A_wrong_password_in_a_URI_is_not_shown_either()
    {
        var error = OpenFails($"postgresql://sweeps:{WrongPassword}@127.0.0.1:{server.Port}/postgres");

        Assert.Contains("(28P01)", error.Message);
    }

    [Fact]
    public void An_unknown_database_is_named()
    {
        var error = OpenFails(server.ConnectionString("no_such_ledger"));

        Assert.Equal($"ledger postgresql://sweeps@127.0.0.1:{server.Port}/no_such_ledger: database \"no_such_ledger\" does not exist (3D000)", error.Message);
    }

    [Fact]
    public void A_port_nobody_listens_on_is_refused_at_once()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = OpenFails(server.ConnectionString("postgres", port: port));

        Assert.StartsWith($"ledger postgresql://sweeps@127.0.0.1:{port}/postgres: connection refused", error.Message);
    }

    [Fact]
    public void An_unknown_host_is_named()
    {
        var error = OpenFails($"Host=no-such-host.invalid;Username=sweeps;Password={WrongPassword};Database=sweeps");

        Assert.Equal("ledger postgresql://sweeps@no-such-host.invalid:5432/sweeps: host not found", error.Message);
    }
}
