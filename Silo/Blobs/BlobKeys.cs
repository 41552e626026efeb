using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Blobs;

/// <summary>
/// The blob layout of DESIGN.md ("Data that flows") and the rules every key obeys. Steps are written
/// with 9 digits so that ordinal key order is step order.
/// </summary>
public static class BlobKeys
{
    public const int MaxLength = 1024;

    /// <summary>Suffix of in-flight writes (temp files), so no key may end with it.</summary>
    public const string TempSuffix = ".tmp";

    public static string Sweep(string sweep) => $"sweeps/{sweep}/";

    public static string Spec(string sweep) => $"sweeps/{sweep}/spec.yaml";

    /// <summary>The numeric engine that computes the sweep (written with the spec; resume refuses another).</summary>
    public static string Engine(string sweep) => $"sweeps/{sweep}/engine.txt";

    public static string Run(RunId run) => $"sweeps/{run.Sweep}/runs/{run.PointId}/{run.ReplicateId}/";

    public static string Checkpoint(RunId run, int step) => $"{Run(run)}checkpoints/{step:D9}.ckpt";

    public static string Checkpoints(RunId run) => $"{Run(run)}checkpoints/";

    public static string Curves(RunId run) => $"{Run(run)}curves.csv";

    /// <summary>Per-tensor gradient statistics of a finished run.</summary>
    public static string Stats(RunId run) => $"{Run(run)}stats.csv";

    /// <summary>Why a run failed for good (e.g. it diverged).</summary>
    public static string Failure(RunId run) => $"{Run(run)}failure.txt";

    /// <summary>The enveloped moment vectors of a run's recorded steps <paramref name="first"/> to <paramref name="last"/>, concatenated.</summary>
    public static string Moments(RunId run, int first, int last) => $"{Run(run)}moments/{first:D9}-{last:D9}.bin";

    public static string Aggregate(AggregateId aggregate) => $"sweeps/{aggregate.Sweep}/aggregates/{aggregate.PointId}/{aggregate.Step:D9}.bin";

    public static string Result(string sweep, string name) => $"sweeps/{sweep}/results/{name}.csv";

    /// <summary>
    /// The kind of blob a key names, for metrics (bounded cardinality): <c>checkpoint</c>, <c>moments</c>,
    /// <c>curves</c>, <c>stats</c>, <c>failure</c>, <c>aggregate</c>, <c>result</c>, <c>spec</c> or <c>other</c>.
    /// </summary>
    public static string KindOf(string key) => key switch
    {
        _ when key.EndsWith(".ckpt", StringComparison.Ordinal) || key.EndsWith("/checkpoints/", StringComparison.Ordinal) => "checkpoint",
        _ when key.Contains("/moments/", StringComparison.Ordinal) => "moments",
        _ when key.Contains("/aggregates/", StringComparison.Ordinal) => "aggregate",
        _ when key.Contains("/results/", StringComparison.Ordinal) => "result",
        _ when key.EndsWith("/curves.csv", StringComparison.Ordinal) => "curves",
        _ when key.EndsWith("/stats.csv", StringComparison.Ordinal) => "stats",
        _ when key.EndsWith("/failure.txt", StringComparison.Ordinal) => "failure",
        _ when key.EndsWith("/spec.yaml", StringComparison.Ordinal) => "spec",
        _ => "other",
    };

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is a relative path of '/'-separated
    /// non-empty segments, none of them '.' or '..', without backslashes or control characters: so no
    /// key can name anything outside the store's root, on any adapter.
    /// </summary>
    public static void Validate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var problem = Problem(key);
        if (problem is not null) throw new ArgumentException($"blob key '{key}': {problem}", nameof(key));
    }

    private static string? Problem(string key)
    {
        if (key.Length is 0 or > MaxLength) return $"must be 1 to {MaxLength} characters";
        if (key.Any(ch => ch == '\\' || char.IsControl(ch))) return "backslashes and control characters are not allowed";
        if (key.StartsWith('/')) return "must be relative (no leading '/')";
        if (key.Split('/').Any(s => s is "" or "." or "..")) return "empty, '.' and '..' segments are not allowed";
        if (key.EndsWith(TempSuffix, StringComparison.Ordinal)) return $"'{TempSuffix}' is reserved for writes in flight";
        return null;
    }
}
