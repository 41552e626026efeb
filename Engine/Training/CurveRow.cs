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

    public static string ToCsv(IEnumerable<CurveRow> rows)
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (var row in rows) text.Append(row.ToCsv()).Append('\n');
        return text.ToString();
    }

    public static IReadOnlyList<CurveRow> ParseCsv(string text, string source)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0] != CsvHeader) throw new InvalidDataException($"{source}: not a curves file (unexpected header)");
        return lines.Skip(1).Select((line, i) =>
        {
            var f = line.Split(',');
            if (f.Length != FieldCount) throw new InvalidDataException($"{source}:{i + 2}: expected {FieldCount} fields, found {f.Length}");
            return new CurveRow(int.Parse(f[0], CultureInfo.InvariantCulture), Parse(f[1]), Parse(f[2]), Parse(f[3]),
                Parse(f[4]), Parse(f[5]), Parse(f[6]), Parse(f[7]));
        }).ToArray();
    }

    internal double[] ToArray() => [Step, LearningRate, TrainLoss, TrainAccuracy, TestLoss, TestAccuracy, TrainLossNext, TestLossNext];

    internal static CurveRow FromArray(ReadOnlySpan<double> v) => new((int)v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);

    /// <summary>Shortest text that round-trips the double exactly; empty for NaN.</summary>
    private static string Format(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    private static double Parse(string text) => text.Length == 0 ? double.NaN : double.Parse(text, CultureInfo.InvariantCulture);
}
