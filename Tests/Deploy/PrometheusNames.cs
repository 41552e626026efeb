using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// How the OpenTelemetry Collector's Prometheus exporter names OpenTelemetry metrics with
/// <c>translation_strategy: UnderscoreEscapingWithSuffixes</c> (k8s/base/otel-collector/config.yaml), after
/// prometheus/otlptranslator's <c>normalizeName</c>: the name is split into tokens at every character outside
/// [a-zA-Z0-9:]; the unit's Prometheus word is appended unless already a token (s: seconds, By: bytes, 1: none;
/// a unit in braces such as {run} adds nothing; a "/x" part adds "per_x"); monotonic counters end in "total",
/// gauges of unit "1" in "ratio"; the tokens are joined with "_". Attribute names become label names by the same
/// escaping. Histograms are exposed as the _bucket, _sum and _count series of that name.
/// </summary>
public static partial class PrometheusNames
{
    public enum Kind { MonotonicCounter, NonMonotonicSum, Gauge, Histogram }

    public sealed record Instrument(string Name, string? Unit, Kind Kind);

    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds", ["ms"] = "milliseconds", ["us"] = "microseconds",
        ["ns"] = "nanoseconds", ["By"] = "bytes", ["KiBy"] = "kibibytes", ["MiBy"] = "mebibytes", ["GiBy"] = "gibibytes",
        ["TiBy"] = "tibibytes", ["KBy"] = "kilobytes", ["MBy"] = "megabytes", ["GBy"] = "gigabytes", ["TBy"] = "terabytes",
        ["m"] = "meters", ["V"] = "volts", ["A"] = "amperes", ["J"] = "joules", ["W"] = "watts", ["g"] = "grams",
        ["Cel"] = "celsius", ["Hz"] = "hertz", ["1"] = "", ["%"] = "percent",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second", ["m"] = "minute", ["h"] = "hour", ["d"] = "day", ["w"] = "week", ["mo"] = "month", ["y"] = "year",
    };

    public static string Metric(Instrument instrument)
    {
        var tokens = Tokens(instrument.Name);
        var unit = (instrument.Unit ?? "").Split('/', 2);
        var main = unit[0].Trim();
        var mainWord = main.Length > 0 && !main.AsSpan().ContainsAny('{', '}') ? Units.GetValueOrDefault(main, main) : "";
        var perWord = "";
        if (unit.Length > 1 && unit[1].Trim() is { Length: > 0 } per && !per.AsSpan().ContainsAny('{', '}'))
            perWord = "per_" + PerUnits.GetValueOrDefault(per, per);
        mainWord = CleanUnit(mainWord);
        perWord = CleanUnit(perWord);
        if (mainWord.Length > 0 && !tokens.Contains(mainWord)) tokens.Add(mainWord);
        if (perWord.Length > 0 && !tokens.Contains(perWord)) tokens.Add(perWord);
        if (instrument.Kind == Kind.MonotonicCounter) { tokens.RemoveAll(t => t == "total"); tokens.Add("total"); }
        if (instrument.Unit == "1" && instrument.Kind == Kind.Gauge) { tokens.RemoveAll(t => t == "ratio"); tokens.Add("ratio"); }
        var name = string.Join('_', tokens);
        return name.Length > 0 && char.IsAsciiDigit(name[0]) ? "_" + name : name;
    }

    /// <summary>The series names Prometheus stores for an instrument.</summary>
    public static IEnumerable<string> Series(Instrument instrument)
    {
        var name = Metric(instrument);
        return instrument.Kind == Kind.Histogram ? [name + "_bucket", name + "_sum", name + "_count"] : [name];
    }

    public static string Label(string attribute)
    {
        var name = InvalidLabelChar().Replace(attribute, "_");
        return name.Length > 0 && char.IsAsciiDigit(name[0]) ? "key_" + name : name;
    }

    /// <summary>The product Meter's instruments, as a MeterListener sees them published.</summary>
    public static IReadOnlyList<Instrument> Emitted()
    {
        RuntimeHelpers.RunClassConstructor(typeof(SweepsTelemetry).TypeHandle);
        var found = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name != SweepsTelemetry.Name) return;
                lock (found) found.Add(new Instrument(instrument.Name, instrument.Unit, KindOf(instrument)));
            },
        };
        listener.Start();
        return found.DistinctBy(i => i.Name).OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Attribute names the product records: SweepsTelemetry's public string constants and every "sweeps.…" string
    /// literal in the Silo sources that is not an instrument name (e.g. <c>sweeps.blob.operation</c>).
    /// </summary>
    public static IReadOnlySet<string> EmittedAttributes(string repoRoot)
    {
        var instruments = Emitted().Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var names = typeof(SweepsTelemetry).GetFields().Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!).Where(v => v.StartsWith("sweeps.", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(repoRoot, "Silo"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match m in SweepsLiteral().Matches(File.ReadAllText(file))) names.Add(m.Groups[1].Value);
        }
        names.ExceptWith(instruments);
        return names;
    }

    public static Kind KindOf(System.Diagnostics.Metrics.Instrument instrument)
    {
        var type = instrument.GetType();
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>)) return Kind.MonotonicCounter;
        if (definition == typeof(UpDownCounter<>) || definition == typeof(ObservableUpDownCounter<>)) return Kind.NonMonotonicSum;
        if (definition == typeof(Gauge<>) || definition == typeof(ObservableGauge<>)) return Kind.Gauge;
        if (definition == typeof(Histogram<>)) return Kind.Histogram;
        throw new NotSupportedException($"instrument {instrument.Name}: no Prometheus naming rule for {type.Name}");
    }

    private static List<string> Tokens(string name) =>
        InvalidMetricChar().Split(name).Where(t => t.Length > 0).ToList();

    private static string CleanUnit(string unit) =>
        string.Join('_', InvalidMetricChar().Split(unit).Where(t => t.Length > 0));

    [GeneratedRegex("[^a-zA-Z0-9:]")]
    private static partial Regex InvalidMetricChar();

    [GeneratedRegex("[^a-zA-Z0-9_]")]
    private static partial Regex InvalidLabelChar();

    [GeneratedRegex("\"(sweeps\\.[a-z0-9_.]+)\"")]
    private static partial Regex SweepsLiteral();
}
