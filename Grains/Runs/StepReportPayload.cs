using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// The text a run reports for one recorded step: a version line, then the step's curve row (with its
/// model-level statistics and diagnostics when recorded) as a one-row curves CSV. Doubles are written
/// with the shortest round-trip text, so the aggregator sees exactly the run's numbers.
/// </summary>
public static class StepReportPayload
{
    public const string Version = "step-report/1";

    public static string Format(CurveRow row) => Version + "\n" + CurveRow.ToCsv([row]);

    public static CurveRow Parse(string payload, string source)
    {
        var newline = payload.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0 || payload[..newline] != Version)
            throw new InvalidDataException($"{source}: not a '{Version}' step report");
        var rows = CurveRow.ParseCsv(payload[(newline + 1)..], source);
        if (rows.Count != 1) throw new InvalidDataException($"{source}: a step report holds one row, found {rows.Count}");
        return rows[0];
    }
}
