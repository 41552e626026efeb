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

    /// <summary>The curve file: the base columns, plus <see cref="ModelStats.CsvHeader"/> when any row has statistics.</summary>
    public static string ToCsv(IEnumerable<CurveRow> rows)
    {
        var list = rows.ToArray();
        var withStats = list.Any(r => r.Stats is not null);
        var text = new StringBuilder(CsvHeader);
        if (withStats) text.Append(',').Append(ModelStats.CsvHeader);
        text.Append('\n');
        foreach (var row in list)
        {
            text.Append(row.ToCsv());
            if (withStats)
            {
                foreach (var v in row.Stats?.ToArray() ?? ModelStats.Empty) text.Append(',').Append(Format(v));
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
        var withStats = lines.Length > 0 && lines[0] == CsvHeader + "," + ModelStats.CsvHeader;
        if (lines.Length == 0 || (lines[0] != CsvHeader && !withStats)) throw new InvalidDataException($"{source}: not a curves file (unexpected header)");
        var fields = withStats ? FieldCount + ModelStats.FieldCount : FieldCount;
        return lines.Skip(1).Select((line, i) =>
        {
            var f = line.Split(',');
            if (f.Length != fields) throw new InvalidDataException($"{source}:{i + 2}: expected {fields} fields, found {f.Length}");
            var stats = withStats ? ModelStats.FromArray(f.Skip(FieldCount).Select(Parse).ToArray()) : null;
            return new CurveRow(int.Parse(f[0], CultureInfo.InvariantCulture), Parse(f[1]), Parse(f[2]), Parse(f[3]),
                Parse(f[4]), Parse(f[5]), Parse(f[6]), Parse(f[7])) { Stats = stats };
        }).ToArray();
    }

    internal double[] ToArray() => [Step, LearningRate, TrainLoss, TrainAccuracy, TestLoss, TestAccuracy, TrainLossNext, TestLossNext];

    internal static CurveRow FromArray(ReadOnlySpan<double> v) => new((int)v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);

    /// <summary>Shortest text that round-trips the double exactly; empty for NaN.</summary>
    private static string Format(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    private static double Parse(string text) => text.Length == 0 ? double.NaN : double.Parse(text, CultureInfo.InvariantCulture);
}
