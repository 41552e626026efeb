using System.Globalization;
using System.Text;

namespace OrleansSweeps.Grains.Aggregates;

/// <summary>
/// What the aggregator of one (point, recorded step) computes from the M replicates (SCIENCE.md §2),
/// stored in the ledger as versioned <c>name=value</c> lines (doubles as shortest round-trip text; NaN:
/// not recorded). Means and sample sds across replicates; OSGR lhs (eq. 23) from losses one step apart,
/// rhs (eq. 19) from the per-run Σρ², Σg²; with moment vectors also the cross-run GSNR (eq. 21/24),
/// its share of negative estimates and eq. 22's weighted rhs.
/// </summary>
public sealed record AggregateResult(int Step, int Replicates, IReadOnlyDictionary<string, double> Values)
{
    public const string Version = "aggregate/1";

    /// <summary>The value names, in the order they are stored.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "osgr_lhs", "osgr_rhs", "osgr_rhs_vectors", "osgr_rhs_weighted", "cross_gsnr_mean", "cross_gsnr_negative_share",
        "gsnr_mean", "gsnr_sd", "mgs_trace_mean", "mgs_trace_sd", "mgs_logdet_mean", "mgs_logdet_sd",
        "train_loss_mean", "train_loss_sd", "test_loss_mean", "test_loss_sd",
        "train_acc_mean", "train_acc_sd", "test_acc_mean", "test_acc_sd",
    ];

    public double this[string name] => Values.TryGetValue(name, out var v) ? v : double.NaN;

    public string Format()
    {
        var text = new StringBuilder(Version).Append('\n');
        text.Append("step=").Append(Step.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("replicates=").Append(Replicates.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var name in Names) text.Append(name).Append('=').Append(FormatValue(this[name])).Append('\n');
        return text.ToString();
    }

    public static AggregateResult Parse(string text, string source)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0] != Version) throw new InvalidDataException($"{source}: not an '{Version}' aggregate result");
        var fields = new Dictionary<string, string>();
        foreach (var line in lines.Skip(1))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new InvalidDataException($"{source}: malformed line '{line}'");
            fields[line[..eq]] = line[(eq + 1)..];
        }
        int Int(string name) => fields.TryGetValue(name, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i : throw new InvalidDataException($"{source}: missing or malformed '{name}'");
        var values = Names.ToDictionary(n => n, n => fields.TryGetValue(n, out var v) && v.Length > 0
            ? double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture) : double.NaN);
        return new AggregateResult(Int("step"), Int("replicates"), values);
    }

    /// <summary>Shortest text that round-trips the double; empty for NaN.</summary>
    public static string FormatValue(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
