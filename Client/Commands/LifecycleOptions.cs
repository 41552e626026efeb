using System.CommandLine;
using System.Net;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// The lifecycle options of every verb that hosts a silo: <c>--health-port</c>, <c>--health-address</c> and
/// <c>--grace-period</c>. Add them with <see cref="AddTo"/>, read them with <see cref="Read"/>, then serve the
/// endpoints with <see cref="Hosting.HealthEndpoint.Start"/> and give the silo
/// <see cref="LifecycleSettings.GracePeriod"/> as its drain timeout.
/// </summary>
internal sealed class LifecycleOptions
{
    public const string GracePeriodName = "--grace-period";

    /// <summary>Default of <c>--grace-period</c>, in seconds.</summary>
    public const int DefaultGracePeriod = 30;

    public Option<int?> HealthPort { get; } = new("--health-port")
    {
        Description = "Serve GET /healthz (liveness) and /readyz (readiness) on this TCP port (default: no health endpoints)",
    };

    public Option<string> HealthAddress { get; } = new("--health-address")
    {
        Description = "IP address the health endpoints listen on (0.0.0.0 in a pod)",
        DefaultValueFactory = _ => "127.0.0.1",
    };

    public Option<double> GracePeriod { get; } = new(GracePeriodName)
    {
        Description = $"Seconds Ctrl-C / SIGTERM waits for runs to checkpoint and stop; then the rest stop without a checkpoint and the exit code is {ExitCodes.DrainTimedOut}",
        DefaultValueFactory = _ => DefaultGracePeriod,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(HealthPort);
        command.Options.Add(HealthAddress);
        command.Options.Add(GracePeriod);
    }

    /// <summary>The settings, checked (a <see cref="UsageException"/> names the bad option).</summary>
    public LifecycleSettings Read(ParseResult parse)
    {
        var port = parse.GetValue(HealthPort);
        if (port is < 1 or > 65535) throw new UsageException($"--health-port {port}: must be 1 to 65535");
        var address = parse.GetValue(HealthAddress)!;
        if (!IPAddress.TryParse(address, out var ip)) throw new UsageException($"--health-address '{address}': expected an IP address such as 127.0.0.1 or 0.0.0.0");
        var grace = parse.GetValue(GracePeriod);
        if (!GraceInRange(grace)) throw new UsageException($"--grace-period {grace}: must be 0 to 86400 seconds");
        return new LifecycleSettings(port is { } p ? new IPEndPoint(ip, p) : null, TimeSpan.FromSeconds(grace));
    }

    /// <summary>
    /// How long the console lets a signalled command finish before it exits anyway: the command's grace period
    /// (when it has one) plus time to stop the silo and flush telemetry.
    /// </summary>
    public static TimeSpan TerminationTimeout(ParseResult parse, TimeSpan fallback)
    {
        if (parse.CommandResult.Command.Options.All(o => o.Name != GracePeriodName)) return fallback;
        var grace = parse.GetValue<double>(GracePeriodName);
        return GraceInRange(grace) ? TimeSpan.FromSeconds(grace) + TimeSpan.FromSeconds(15) : fallback;
    }

    /// <summary>0 to a day (NaN is not).</summary>
    private static bool GraceInRange(double seconds) => seconds is >= 0 and <= 86400;
}

/// <param name="Health">Where to serve the health endpoints; null: nowhere.</param>
/// <param name="GracePeriod">The longest drain (past it, the silo stops its runs without a final checkpoint: <see cref="Silo.Hosting.DrainTimeoutException"/>).</param>
internal sealed record LifecycleSettings(IPEndPoint? Health, TimeSpan GracePeriod);
