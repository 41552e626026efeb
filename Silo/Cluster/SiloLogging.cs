using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace OrleansSweeps.Silo.Cluster;

/// <summary>
/// Orleans' and the grains' logs of a cluster silo, on stderr, one line each, when <c>$SWEEPS_LOG_LEVEL</c> asks for
/// them (Trace, Debug, Information, Warning, Error, Critical). Off by default: the console's own lines are the
/// contract, and Orleans warns at length about peers that a test or a rolling restart kills on purpose.
/// </summary>
public static class SiloLogging
{
    public const string LevelVariable = "SWEEPS_LOG_LEVEL";

    public static void AddFromEnvironment(ILoggingBuilder logging)
    {
        var text = Environment.GetEnvironmentVariable(LevelVariable);
        if (string.IsNullOrWhiteSpace(text)) return;
        if (!Enum.TryParse<LogLevel>(text.Trim(), ignoreCase: true, out var level) || level == LogLevel.None)
            throw new ArgumentException($"${LevelVariable} '{text}': expected Trace, Debug, Information, Warning, Error or Critical");
        logging.SetMinimumLevel(level);
        logging.AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat, o.UseUtcTimestamp) = (true, "yyyy-MM-ddTHH:mm:ss.fffZ ", true));
        logging.AddFilter<ConsoleLoggerProvider>(null, level);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
