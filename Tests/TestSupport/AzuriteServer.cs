using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using OrleansSweeps.Silo.Blobs.Azure;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// A private Azurite blob service (npm azurite, installed by scripts/fetch-azurite.sh) on 127.0.0.1 at a
/// free port, storing under a temp directory, with the well-known development account. <see cref="Stop"/>
/// ends it gracefully (SIGTERM, so it saves its data) and <see cref="Start"/> brings it back on the same
/// port and data: restart tests. Dispose kills it and deletes the data.
/// </summary>
public sealed partial class AzuriteServer : IDisposable
{
    private readonly TempDirectory _data = new();
    private Process? _process;

    public AzuriteServer()
    {
        Port = FreePort();
        Start();
    }

    public int Port { get; }

    public string DataDirectory => _data.Path;

    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/{AzureBlobConnection.DevelopmentAccount}");

    public AzureBlobConnection Connection => AzureBlobConnection.Development(BlobEndpoint);

    /// <summary>The connection string a user would put in SWEEPS_BLOB_CONNECTION for this server.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AzureBlobConnection.DevelopmentAccount};AccountKey={AzureBlobConnection.DevelopmentKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>
    /// $SWEEPS_AZURITE_DIR, else ${XDG_CACHE_HOME:-~/.cache}/orleans-sweeps/azurite, as scripts/fetch-azurite.sh.
    /// </summary>
    public static string Executable
    {
        get
        {
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            var dir = Environment.GetEnvironmentVariable("SWEEPS_AZURITE_DIR") is { Length: > 0 } set ? set : Path.Combine(cache, "orleans-sweeps", "azurite");
            var path = Path.Combine(dir, "node_modules", ".bin", "azurite-blob");
            return File.Exists(path) ? path : throw new FileNotFoundException($"Azurite is not installed at {path}: run scripts/fetch-azurite.sh (or scripts/setup.sh)");
        }
    }

    /// <summary>Starts Azurite and waits until it accepts connections.</summary>
    public void Start()
    {
        if (_process is { HasExited: false }) return;
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(), "--location", _data.Path, "--silent", "--disableTelemetry" })
            start.ArgumentList.Add(arg);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        Poll.Until(() => Accepts() || process.HasExited, TimeSpan.FromSeconds(30), $"Azurite to listen on 127.0.0.1:{Port}");
        if (process.HasExited) throw new InvalidOperationException($"Azurite exited with {process.ExitCode}: {string.Join(" | ", output)}");
    }

    /// <summary>Ends Azurite as a service manager would (SIGTERM), killing it if it has not exited within 10 s.</summary>
    public void Stop()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
            if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _process = null;
        Poll.Until(() => !Accepts(), TimeSpan.FromSeconds(10), $"port {Port} to close");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.WaitForExit();
        _process?.Dispose();
        _data.Dispose();
    }

    private bool Accepts()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
