using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// Silos and clients of one Orleans cluster over a PostgreSQL database through the official ADO.NET providers
/// (membership, reminders, grain state under <see cref="StateGrain.StorageName"/>), and SQL on that database.
/// </summary>
public sealed class PostgresOrleans(string connectionString)
{
    public const string ClusterId = "test-cluster";
    public const string ServiceId = "test-service";
    public const string Invariant = "Npgsql";

    public string ConnectionString { get; } = connectionString;

    /// <summary>A silo on free loopback ports; <paramref name="configure"/> may add more.</summary>
    public Task<LocalSilo> StartSilo(string name, Action<ISiloBuilder>? configure = null) => LocalSilo.StartAsync(silo =>
    {
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
        silo.Configure<SiloOptions>(o => o.SiloName = name);
        silo.ConfigureEndpoints(IPAddress.Loopback, LocalSilo.FreePort(), LocalSilo.FreePort());
        silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant, ConnectionString));
        silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (Invariant, ConnectionString));
        silo.AddAdoNetGrainStorage(StateGrain.StorageName, o => (o.Invariant, o.ConnectionString) = (Invariant, ConnectionString));
        configure?.Invoke(silo);
    });

    /// <summary>A started client that finds the gateways through the membership table.</summary>
    public async Task<IHost> StartClient()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant, ConnectionString));
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await host.StartAsync(timeout.Token);
        return host;
    }

    public T? Scalar<T>(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var result = command.ExecuteScalar();
        return result is null or DBNull ? default : (T)result;
    }

    public int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command.ExecuteNonQuery();
    }

    /// <summary>The status of the silo listening on <paramref name="port"/> (3 Active, 6 Dead), as the table says.</summary>
    public int? StatusOf(int port) => Scalar<int?>(
        "SELECT status FROM orleans_membership WHERE deployment_id = @c AND port = @p", ("c", ClusterId), ("p", port));
}
