using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Runtime;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// A real Orleans silo in this process (generic host, no logging), configured entirely by the test, and its
/// grain factory. Several may run side by side on <see cref="FreePort"/> ports; dispose stops it gracefully.
/// </summary>
public sealed class LocalSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private LocalSilo(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    /// <summary>The silo's address as grains report it (<c>SiloAddress.ToString()</c>).</summary>
    public string Address => _host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

    /// <summary>The silo-to-silo port (the membership table's <c>Port</c>).</summary>
    public int Port => _host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint.Port;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<LocalSilo> StartAsync(Action<ISiloBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleans(configure);
        var host = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await host.StartAsync(timeout.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new LocalSilo(host);
    }

    /// <summary>A silo on localhost clustering (its own one-silo cluster), with whatever else <paramref name="configure"/> adds.</summary>
    public static Task<LocalSilo> StartLocalhostAsync(Action<ISiloBuilder> configure) => StartAsync(silo =>
    {
        silo.UseLocalhostClustering(FreePort(), FreePort());
        configure(silo);
    });

    /// <summary>Stops the silo gracefully: grains deactivate, the silo leaves the membership table.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }

    /// <summary>A loopback port free right now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
