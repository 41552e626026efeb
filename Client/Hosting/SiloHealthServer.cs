using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansSweeps.Silo.Hosting;

namespace OrleansSweeps.Client.Hosting;

/// <summary>
/// A silo's health endpoints over Kestrel (ASP.NET Core minimal API): <c>GET /healthz</c> answers 200 while the
/// silo is live and 503 when its loop stalled; <c>GET /readyz</c> answers 200 while it is ready (the ledger
/// answered recently, not draining) and 503 otherwise; the body is one line saying which. The app has no
/// logging, configuration sources or signal handling of its own: the console's output and its Ctrl-C /
/// SIGTERM handling stay as they are, and the endpoints keep answering (503 ready) during a drain.
/// </summary>
public sealed class SiloHealthServer : IAsyncDisposable, IDisposable
{
    private readonly WebApplication _app;

    private SiloHealthServer(WebApplication app, IPEndPoint endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>Where it listens (the port the system chose when asked for port 0).</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>Starts listening on <paramref name="endpoint"/>; an address that cannot be bound throws <see cref="IOException"/>.</summary>
    public static async Task<SiloHealthServer> StartAsync(IPEndPoint endpoint, SiloHealth health, CancellationToken cancel = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endpoint);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        var app = builder.Build();
        app.MapGet("/healthz", (HttpContext http) => Answer(http, health.NotLive(), "live"));
        app.MapGet("/readyz", (HttpContext http) => Answer(http, health.NotReady(), "ready"));
        try
        {
            await app.StartAsync(cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"health endpoints on {endpoint}: {(e.InnerException ?? e).Message}", e);
        }
        var bound = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var port = bound is not null && Uri.TryCreate(bound, UriKind.Absolute, out var uri) ? uri.Port : endpoint.Port;
        return new SiloHealthServer(app, new IPEndPoint(endpoint.Address, port));
    }

    private static Task Answer(HttpContext http, string? problem, string ok)
    {
        http.Response.StatusCode = problem is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync((problem ?? ok) + "\n");
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>What a verb that hosts a silo calls to serve its health endpoints (or nothing, without <c>--health-port</c>).</summary>
public static class HealthEndpoint
{
    /// <summary>Null when <paramref name="endpoint"/> is null.</summary>
    public static SiloHealthServer? Start(IPEndPoint? endpoint, SiloHealth health) =>
        endpoint is null ? null : SiloHealthServer.StartAsync(endpoint, health).GetAwaiter().GetResult();
}
