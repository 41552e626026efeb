using System.Globalization;
using System.Text;

namespace OrleansSweeps.Engine.Training;

/// <summary>
/// What a run records at one step t (θ after t updates). For gradient descent the losses after the
/// update t → t+1 are recorded too (L_{t+1}, L'_{t+1}: OSGR's left-hand side, SCIENCE.md §2, eq. 23);
/// NaN where not recorded. No wall-clock values: curves are bitwise reproducible.
/// </summary>
public sealed record CurveRow(
    int Step,
    double LearningRate,
    double TrainLoss,
    double TrainAccuracy,
    double TestLoss,
    double TestAccuracy,
    double TrainLossNext,
    double TestLossNext)
{
    public const string CsvHeader = "step,lr,train_loss,train_acc,test_loss,test_acc,train_loss_next,test_loss_next";

    public const int FieldCount = 8;

    public string ToCsv() => string.Join(',', Step.ToString(CultureInfo.InvariantCulture),
        Format(LearningRate), Format(TrainLoss), Format(TrainAccuracy), Format(TestLoss), Format(TestAccuracy),
        Format(TrainLossNext), Format(TestLossNext));

    /// <summary>Model-level gradient statistics at this step (joined from the run's stats), or null.</summary>
    public ModelStats? Stats { get; init; }

    /// <summary>Coherent-gradients diagnostics at this step, or null.</summary>
    public Diagnostics? Diagnostics { get; init; }

    /// <summary>
    /// The curve file: the base columns, plus <see cref="ModelStats.CsvHeader"/> when any row has statistics,
    /// plus <see cref="Training.Diagnostics.CsvHeader"/> when any row has diagnostics.
    /// </summary>
    public static string ToCsv(IEnumerable<CurveRow> rows)
    {
        var list = rows.ToArray();
        var withStats = list.Any(r => r.Stats is not null);
        var withDiagnostics = list.Any(r => r.Diagnostics is not null);
        var text = new StringBuilder(CsvHeader);
        if (withStats) text.Append(',').Append(ModelStats.CsvHeader);
        if (withDiagnostics) text.Append(',').Append(Training.Diagnostics.CsvHeader);
        text.Append('\n');
        foreach (var row in list)
        {
            text.Append(row.ToCsv());
            if (withStats)
            {
                foreach (var v in row.Stats?.ToArray() ?? ModelStats.Empty) text.Append(',').Append(Format(v));
            }
            if (withDiagnostics)
            {
                foreach (var v in row.Diagnostics?.ToArray() ?? Training.Diagnostics.Empty) text.Append(',').Append(Format(v));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The rows with the model-level statistics of the same step attached.</summary>
    public static IReadOnlyList<CurveRow> WithStats(IEnumerable<CurveRow> rows, IReadOnlyList<StatsRow> stats)
    {
        var byStep = stats.Where(s => s.Tensor < 0).ToDictionary(s => s.Step);
        return rows.Select(r => byStep.TryGetValue(r.Step, out var s) ? r with { Stats = ModelStats.From(s) } : r).ToArray();
    }

    public static IReadOnlyList<CurveRow> ParseCsv(string text, string source)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0) throw new InvalidDataException($"{source}: not a curves file (empty)");
        var header = lines[0];
        bool withStats = false, withDiagnostics = false;
        if (header.EndsWith("," + Training.Diagnostics.CsvHeader, StringComparison.Ordinal))
        {
            withDiagnostics = true;
            header = header[..^(Training.Diagnostics.CsvHeader.Length + 1)];
        }
        if (header == CsvHeader + "," + ModelStats.CsvHeader) withStats = true;
        else if (header != CsvHeader) throw new InvalidDataException($"{source}: not a curves file (unexpected header)");
        var fields = FieldCount + (withStats ? ModelStats.FieldCount : 0) + (withDiagnostics ? Training.Diagnostics.FieldCount : 0);
        return lines.Skip(1).Select((line, i) =>
        {
            var f = line.Split(',');
            if (f.Length != fields) throw new InvalidDataException($"{source}:{i + 2}: expected {fields} fields, found {f.Length}");
            if (!int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var step))
                throw new InvalidDataException($"{source}:{i + 2}: step '{f[0]}' is not a step number");
            var values = f.Select(v => Parse(v, source, i + 2)).ToArray();
            var stats = withStats ? ModelStats.FromArray(values[FieldCount..(FieldCount + ModelStats.FieldCount)]) : null;
            var diagnostics = withDiagnostics ? Training.Diagnostics.FromArray(values.AsSpan(fields - Training.Diagnostics.FieldCount)) : null;
            return new CurveRow(step, values[1], values[2], values[3],
                values[4], values[5], values[6], values[7]) { Stats = stats, Diagnostics = diagnostics };
        }).ToArray();
    }

    /// <summary>Values in a checkpoint: the base fields, then the diagnostics (NaN when absent).</summary>
    internal const int StoredFieldCount = FieldCount + Training.Diagnostics.FieldCount;

    internal double[] ToArray() =>
        [Step, LearningRate, TrainLoss, TrainAccuracy, TestLoss, TestAccuracy, TrainLossNext, TestLossNext, .. Diagnostics?.ToArray() ?? Training.Diagnostics.Empty];

    internal static CurveRow FromArray(ReadOnlySpan<double> v) =>
        new((int)v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]) { Diagnostics = Training.Diagnostics.FromArray(v[FieldCount..]) };

    /// <summary>Shortest text that round-trips the double exactly; empty for NaN.</summary>
    private static string Format(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A field of line <paramref name="line"/>; a malformed number is an <see cref="InvalidDataException"/> naming where it is.</summary>
    private static double Parse(string text, string source, int line) =>
        text.Length == 0 ? double.NaN
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw new InvalidDataException($"{source}:{line}: '{text}' is not a number");
}
