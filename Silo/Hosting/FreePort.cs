using System.Net;
using System.Net.Sockets;

namespace OrleansSweeps.Silo.Hosting;

/// <summary>A loopback TCP port free now (bound and released: another process may take it before us, rarely).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
