using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;

namespace OrleansSweeps.Silo.Telemetry;

/// <summary>
/// Links the spans of one sweep across processes through the blob store: submission starts a
/// <see cref="SweepsTelemetry.SubmitSpan"/> span and stores its W3C <c>traceparent</c> (and <c>tracestate</c>) as
/// the blob <c>sweeps/{sweep}/trace.txt</c>; every run and aggregate activation, in whichever silo, links to it.
/// Nothing is read or written while no listener samples <see cref="SweepsTelemetry.Source"/>.
/// </summary>
public sealed class SweepTrace(IBlobStore blobs)
{
    /// <summary>How long a sweep with no stored trace context is taken to have none before the blob is read again.</summary>
    private static readonly TimeSpan AbsentFor = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (ActivityContext? Context, long ReadAt)> _contexts = new();

    public static string Key(string sweep) => $"{BlobKeys.Sweep(sweep)}trace.txt";

    /// <summary>
    /// Starts the submission span of <paramref name="sweep"/> (a root span, linked to the context an earlier
    /// submission of the same sweep stored). Null when tracing is off. Call <see cref="StoreAsync"/> once the
    /// sweep is registered.
    /// </summary>
    public static Activity? StartSubmit(IBlobStore blobs, string sweep)
    {
        if (!SweepsTelemetry.Source.HasListeners()) return null;
        var earlier = Blocking.Wait(ReadAsync(blobs, sweep));
        // A root span whatever the caller's current activity (a default parent context means "the current one").
        var previous = Activity.Current;
        Activity.Current = null;
        var span = SweepsTelemetry.Source.StartActivity(SweepsTelemetry.SubmitSpan, ActivityKind.Producer, default(ActivityContext),
            [new(SweepsTelemetry.SweepTag, sweep)], earlier is { } context ? [new ActivityLink(context)] : null);
        if (span is null) Activity.Current = previous;
        return span;
    }

    /// <summary>Stores <paramref name="submit"/>'s context as the sweep's trace context unless one is stored already (create-only).</summary>
    public static async Task StoreAsync(IBlobStore blobs, string sweep, Activity? submit, CancellationToken cancel = default)
    {
        if (submit is null || !submit.Recorded) return;
        var text = new StringBuilder("traceparent=").Append(submit.Id).Append('\n');
        if (!string.IsNullOrEmpty(submit.TraceStateString)) text.Append("tracestate=").Append(submit.TraceStateString).Append('\n');
        await blobs.PutAsync(Key(sweep), Encoding.UTF8.GetBytes(text.ToString()), BlobCondition.CreateOnly, cancel).ConfigureAwait(false);
    }

    /// <summary>The link to <paramref name="sweep"/>'s submission span, or none (tracing off, or no context stored).</summary>
    public ActivityLink[]? LinksOf(string sweep)
    {
        if (!SweepsTelemetry.Source.HasListeners()) return null;
        var now = Stopwatch.GetTimestamp();
        if (!_contexts.TryGetValue(sweep, out var known) || (known.Context is null && Stopwatch.GetElapsedTime(known.ReadAt, now) > AbsentFor))
        {
            known = (ReadOrNone(sweep), now);
            _contexts[sweep] = known;
        }
        return known.Context is { } context ? [new ActivityLink(context)] : null;
    }

    private ActivityContext? ReadOrNone(string sweep)
    {
        try
        {
            return Blocking.Wait(ReadAsync(blobs, sweep));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null; // telemetry never stops work
        }
    }

    public static async Task<ActivityContext?> ReadAsync(IBlobStore blobs, string sweep, CancellationToken cancel = default)
    {
        if (await blobs.GetAsync(Key(sweep), cancel).ConfigureAwait(false) is not { } blob) return null;
        string? parent = null, state = null;
        foreach (var line in Encoding.UTF8.GetString(blob.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("traceparent=", StringComparison.Ordinal)) parent = line["traceparent=".Length..];
            else if (line.StartsWith("tracestate=", StringComparison.Ordinal)) state = line["tracestate=".Length..];
        }
        return parent is not null && ActivityContext.TryParse(parent, state, isRemote: true, out var context) ? context : null;
    }
}
