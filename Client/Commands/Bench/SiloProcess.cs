using System.Diagnostics;
using System.Text.RegularExpressions;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// A real <c>sweeps silo</c> process of the bench's cluster (free ports on loopback, one libtorch thread), found by the
/// silo port it prints once it has joined; <see cref="Kill"/> is a SIGKILL. Disposing kills it if it still runs.
/// </summary>
internal sealed partial class SiloProcess : IDisposable
{
    /// <summary>How long a silo may take to start and join (a cold process on a busy 2-core machine takes several seconds).</summary>
    private static readonly TimeSpan StartPatience = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private SiloProcess(string name, int slots, StoreSettings stores)
    {
        Name = name;
        var start = BenchKit.ThisConsole(["silo", "--name", name, "--slots", $"{slots}", "--threads", "1",
            "--silo-port", "0", "--gateway-port", "0", "--advertise", "127.0.0.1"]);
        // The stores go by environment, not on the command line (a ledger URL may carry a password).
        start.Environment[StoreSettings.LedgerVariable] = stores.Ledger;
        start.Environment[StoreSettings.BlobsVariable] = stores.Blobs;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, line) => Read(line.Data);
        _process.ErrorDataReceived += (_, line) => Read(line.Data);
        _process.Exited += (_, _) => _joined.TrySetException(new InvalidOperationException($"bench: silo {Name} exited before it joined: {Output}"));
        _process.EnableRaisingEvents = true;
    }

    public string Name { get; }

    /// <summary>Its silo-to-silo port (the port of its <c>SiloAddress</c>), once joined.</summary>
    public int Port => _joined.Task.Result;

    private string Output
    {
        get
        {
            lock (_output) return string.Join(" | ", _output.TakeLast(5));
        }
    }

    /// <summary>Starts the silo and waits until it has joined the cluster.</summary>
    public static async Task<SiloProcess> StartAsync(string name, int slots, StoreSettings stores, CancellationToken cancel)
    {
        var silo = new SiloProcess(name, slots, stores);
        try
        {
            silo._process.Start();
            silo._process.BeginOutputReadLine();
            silo._process.BeginErrorReadLine();
            await silo._joined.Task.WaitAsync(StartPatience, cancel).ConfigureAwait(false);
            return silo;
        }
        catch
        {
            silo.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL: the silo dies without draining, as in a crash.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
    }

    private void Read(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 20) _output.RemoveAt(0);
        }
        // `sweeps silo` prints its ports once its host has started (it is in the membership table by then).
        if (JoinedLine().Match(line) is { Success: true } joined) _joined.TrySetResult(int.Parse(joined.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"silo port (\d+), gateway")]
    private static partial Regex JoinedLine();
}
