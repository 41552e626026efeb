using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Grains.Runs;

/// <summary>One recorded step as the aggregator reads it: the run's curve row and, when vectors were recorded, where they are.</summary>
public sealed record StepReport(CurveRow Row, MomentsLocator? Moments);

/// <summary>
/// The text a run reports for one recorded step: a version line, an optional <c>moments KEY OFFSET LENGTH</c>
/// line (<see cref="MomentsLocator"/>), then the step's curve row (with its model-level statistics and
/// diagnostics when recorded) as a one-row curves CSV. Doubles are written with the shortest round-trip
/// text, so the aggregator sees exactly the run's numbers.
/// </summary>
public static class StepReportPayload
{
    public const string Version = "step-report/2";

    private const string MomentsPrefix = "moments ";

    public static string Format(CurveRow row, MomentsLocator? moments = null) =>
        Version + "\n" + (moments is null ? "" : MomentsPrefix + moments.Format() + "\n") + CurveRow.ToCsv([row]);

    public static StepReport Parse(string payload, string source)
    {
        var newline = payload.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0 || payload[..newline] != Version)
        {
            var first = newline < 0 ? payload : payload[..newline];
            throw new InvalidDataException($"{source}: not a '{Version}' step report (it begins '{(first.Length > 40 ? first[..40] + "…" : first)}')");
        }
        var rest = payload[(newline + 1)..];
        MomentsLocator? moments = null;
        if (rest.StartsWith(MomentsPrefix, StringComparison.Ordinal))
        {
            var end = rest.IndexOf('\n', StringComparison.Ordinal);
            if (end < 0) throw new InvalidDataException($"{source}: step report ends after its moments line");
            moments = MomentsLocator.Parse(rest[MomentsPrefix.Length..end], source);
            rest = rest[(end + 1)..];
        }
        var rows = CurveRow.ParseCsv(rest, source);
        if (rows.Count != 1) throw new InvalidDataException($"{source}: a step report holds one row, found {rows.Count}");
        return new StepReport(rows[0], moments);
    }
}
