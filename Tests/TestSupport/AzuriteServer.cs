using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using OrleansSweeps.Silo.Blobs.Azure;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// A private Azurite blob service (npm azurite, installed by scripts/fetch-azurite.sh) on 127.0.0.1 at a
/// free port, storing under a temp directory, with the well-known development account, accepting the SDK's
/// service version even when it is newer than Azurite's (<c>--skipApiVersionCheck</c>). <see cref="Stop"/>
/// ends it gracefully (SIGTERM, so it saves its data) and <see cref="Start"/> brings it back on the same
/// port and data: restart tests. Dispose kills it and deletes the data.
/// </summary>
public sealed partial class AzuriteServer : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly string[] _tls;
    private Process? _process;

    public AzuriteServer()
        : this(entra: false)
    {
    }

    /// <summary>With <paramref name="entra"/>, Azurite serves https and accepts Microsoft Entra tokens too (<see cref="EntraAccess"/>).</summary>
    private AzuriteServer(bool entra)
    {
        Port = FreePort();
        _tls = entra ? EntraArguments() : [];
        Start();
    }

    public int Port { get; }

    public string DataDirectory => _data.Path;

    /// <summary>Azurite's well-known development account (published in Azurite's and Azure's documentation).</summary>
    public const string DevelopmentAccount = "devstoreaccount1";

    public const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public Uri BlobEndpoint => new($"{(_tls.Length > 0 ? "https" : "http")}://127.0.0.1:{Port}/{DevelopmentAccount}");

    /// <summary>The connection string a user would put in SWEEPS_BLOB_CONNECTION for this server.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={DevelopmentAccount};AccountKey={DevelopmentKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>The container on this server through its connection string (the account key).</summary>
    public AzureBlobAccess Access(string container) => AzureBlobAccess.FromConnectionString(ConnectionString, container);

    /// <summary>
    /// The URL of <paramref name="container"/> (created when missing, if <paramref name="create"/>) with a SAS that
    /// grants everything a store does, valid until <paramref name="expiresOn"/>; signed with the account key, offline.
    /// </summary>
    public Uri SasUrl(string container, DateTimeOffset expiresOn, bool create = true)
    {
        var client = new BlobContainerClient(ConnectionString, container);
        if (create) client.CreateIfNotExists();
        var sas = new BlobSasBuilder(BlobContainerSasPermissions.All, expiresOn) { BlobContainerName = container, StartsOn = expiresOn.AddHours(-2) };
        return client.GenerateSasUri(sas);
    }

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
        string[] args = ["--blobHost", "127.0.0.1", "--blobPort", Port.ToString(), "--location", _data.Path, "--silent", "--disableTelemetry", "--skipApiVersionCheck", .. _tls];
        foreach (var arg in args)
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
