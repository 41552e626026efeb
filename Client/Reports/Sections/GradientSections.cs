using OrleansSweeps.Client.Reports.Plotting;

namespace OrleansSweeps.Client.Reports.Sections;

/// <summary>
/// Curves of the gradient statistics from the aggregates (replicate means): mean GSNR (eq. 25; real vs random
/// labels as the GSNR paper's fig. 5 when the grid varies label noise) and the MGS kernel's trace and log det
/// (SCIENCE.md §3; one curve per point, so per regulariser when the grid varies it).
/// </summary>
internal static class GradientSections
{
    public static ReportSection Gsnr(ReportData data)
    {
        var series = CurveSeries.FromAggregates(data, "gsnr_mean");
        var title = PointLabels.LabelNoiseVaries(data.Spec) ? "Mean GSNR during training: real vs random labels" : "Mean GSNR during training";
        return new ReportSection("gsnr", "Gradient signal-to-noise ratio", "Per point, the mean over replicates of each run's mean GSNR over all parameters.")
        {
            Figures = series.Count > 0
                ? [new FigureSpec("gsnr", title, CurveSeries.StepLabel, "mean GSNR r_j = g_j² / ρ²_j  (eq. 25, dimensionless)", series)]
                : [],
            Notes = series.Count > 0 ? [] : [Omitted("Mean-GSNR curves", "gsnr_mean", "stats.moments is off", data)],
        };
    }

    public static ReportSection Mgs(ReportData data)
    {
        var trace = CurveSeries.FromAggregates(data, "mgs_trace_mean");
        var logDet = CurveSeries.FromAggregates(data, "mgs_logdet_mean");
        var figures = new List<FigureSpec>();
        var notes = new List<string>();
        if (trace.Count > 0)
            figures.Add(new FigureSpec("mgs-trace", "MGS kernel trace during training", CurveSeries.StepLabel, "trace K = Σ_{i,c} ‖∂f_c(x_i)/∂θ‖²  (logit²/θ²)", trace));
        else notes.Add(Omitted("MGS trace curves", "mgs_trace_mean", "stats.mgs_batch is 0", data));
        if (logDet.Count > 0)
            figures.Add(new FigureSpec("mgs-logdet", "MGS kernel log-determinant during training", CurveSeries.StepLabel, "log det K  (natural log)", logDet) { LogY = false });
        else notes.Add(Omitted("MGS log-det curves", "mgs_logdet_mean", "stats.mgs_batch is 0, or every kernel was singular", data));
        return new ReportSection("mgs", "Model gradient similarity", "Per point (so per regulariser when the grid varies it), the replicate mean of the MGS kernel K = J Jᵀ on the recorded batch.")
        {
            Figures = figures,
            Notes = notes,
        };
    }

    private static string Omitted(string what, string column, string why, ReportData data) =>
        $"{what} omitted: no aggregate has {column} ({why}" + (data.AggregatesPending > 0 ? ", or its aggregates are still pending)." : ").");
}
