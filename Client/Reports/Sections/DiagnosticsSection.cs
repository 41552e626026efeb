using OrleansSweeps.Client.Reports.Plotting;

namespace OrleansSweeps.Client.Reports.Sections;

/// <summary>
/// The coherent-gradients diagnostics (SCIENCE.md §4) averaged over each point's completed replicates from their
/// curves: overfit (per winsorizing c when the grid varies it), the shares of pristine and corrupt examples
/// learned, and the loss-reduction attribution f_p, f_c beside f_p's null-world mean.
/// </summary>
internal static class DiagnosticsSection
{
    public static ReportSection Build(ReportData data)
    {
        var figures = new List<FigureSpec>();
        var notes = new List<string>();
        var pending = data.Points.Any(p => p.Completed.Count == 0) ? " or no run has completed yet" : "";
        var winsorized = data.Spec.Points.Any(p => p.Spec.Training.Regularization.WinsorizeC > 0);

        var overfit = CurveSeries.FromRuns(data, ("", r => r.Diagnostics?.Overfit ?? double.NaN, SeriesStyle.LineAndMarkers));
        if (overfit.Count > 0)
        {
            figures.Add(new FigureSpec("overfit", winsorized ? "Overfit during training: winsorized SGD" : "Overfit during training", CurveSeries.StepLabel,
                "overfit = train acc − ((1−p)·test acc + p/k)  (fraction)", overfit) { LogY = false });
        }
        else notes.Add($"Overfit curves omitted: no curve has the overfit column (it needs label noise on a classification data set{pending}).");

        var learned = CurveSeries.FromRuns(data,
            (": pristine", r => r.Diagnostics?.LearnedPristine ?? double.NaN, SeriesStyle.Line),
            (": corrupt", r => r.Diagnostics?.LearnedCorrupt ?? double.NaN, SeriesStyle.DashedLine));
        if (learned.Count > 0)
        {
            figures.Add(new FigureSpec("learned", "Training examples learned: pristine vs corrupt", CurveSeries.StepLabel,
                "share learned by step t  (fraction of examples)", learned) { LogY = false });
        }
        else notes.Add($"Learned-fraction curves omitted: no curve has learned_pristine / learned_corrupt (stats.learned is off{pending}).");

        var attribution = CurveSeries.FromRuns(data,
            (": f_p", r => r.Diagnostics?.FPristine ?? double.NaN, SeriesStyle.Line),
            (": f_c", r => r.Diagnostics?.FCorrupt ?? double.NaN, SeriesStyle.DashedLine),
            (": f_p null worlds", r => r.Diagnostics?.FPristineNullMean ?? double.NaN, SeriesStyle.Markers));
        if (attribution.Count > 0)
        {
            figures.Add(new FigureSpec("attribution", "Loss reduction: pristine vs corrupt examples", CurveSeries.StepLabel,
                "f_p = g·g_p/‖g‖², f_c = g·g_c/‖g‖²  (fraction)", attribution) { LogY = false });
        }
        else notes.Add($"f_pristine / f_corrupt curves omitted: no curve has them (stats.coherence is off{pending}).");

        return new ReportSection("coherence", "Label noise: overfit and learned fractions", "Per point, the mean over its completed replicates of the per-run curves.")
        {
            Figures = figures,
            Notes = notes,
        };
    }
}
