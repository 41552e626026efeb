using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;

namespace OrleansSweeps.Engine.Statistics;

/// <summary>
/// Per-parameter moments of per-example gradients g_ij = ∂L_i/∂θ_j over n examples (SCIENCE.md §1),
/// computed exactly by the numeric core from the layer structure (no loop over examples):
/// mean g_j, second moment s_j, and optionally the sign counts #{i: g_ij &gt; 0}, #{i: g_ij &lt; 0}
/// (examples whose gradient is exactly zero are in neither: #{i: g_ij ≠ 0} = #pos + #neg).
/// Every parameter is covered, frozen ones too (their statistics are those they would have if trained).
/// </summary>
public sealed class GradientMoments
{
    /// <summary>Examples per native chunk: bounds memory (GSNR CNN p = 20 on 15,000 images stays well under 512 MiB).</summary>
    public const int DefaultChunk = 1024;

    /// <summary>ε of the per-run GSNR r_j = g_j² / (ρ²_j + ε) (eq. 25): keeps r finite where ρ² = 0.</summary>
    public const double GsnrEpsilon = 1e-30;

    private GradientMoments(int examples, double[] mean, double[] second, double[]? positive, double[]? negative)
    {
        Examples = examples;
        Mean = mean;
        Second = second;
        Positive = positive;
        Negative = negative;
    }

    public int Examples { get; }

    public double[] Mean { get; }

    public double[] Second { get; }

    public double[]? Positive { get; }

    public double[]? Negative { get; }

    public int Count => Mean.Length;

    /// <summary>
    /// Over the selected examples (empty: all). <paramref name="signs"/> adds the sign counts (two more
    /// matrix products per linear layer).
    /// </summary>
    public static unsafe GradientMoments Compute(NativeModel model, TensorData data, ReadOnlySpan<long> indices, bool signs, int chunk = DefaultChunk)
    {
        var count = model.ParameterCount;
        var mean = new double[count];
        var second = new double[count];
        var positive = signs ? new double[count] : null;
        var negative = signs ? new double[count] : null;
        fixed (long* idx = indices)
        fixed (double* m = mean, s = second, p = positive, n = negative)
        {
            var status = NativeMethods.GradMoments(model.Handle, data.Handle, indices.IsEmpty ? null : idx, indices.Length, chunk, m, s, p, n, count);
            Native.Check(status, "gs_grad_moments");
        }
        return new GradientMoments(indices.IsEmpty ? data.Count : indices.Length, mean, second, positive, negative);
    }

    /// <summary>ρ²_j = s_j − g_j², the population variance (divisor n); rounding can make it a hair below 0, so it is clamped at 0.</summary>
    public double Variance(int j) => Math.Max(0.0, Second[j] - Mean[j] * Mean[j]);

    /// <summary>Per-run GSNR r_j = g_j² / (ρ²_j + ε) (eq. 25).</summary>
    public double Gsnr(int j) => Mean[j] * Mean[j] / (Variance(j) + GsnrEpsilon);

    /// <summary>#{i: g_ij ≠ 0} = #pos + #neg: the examples whose gradient for θ_j carries a sign; needs the sign counts.</summary>
    public double Signed(int j) =>
        Positive is null || Negative is null ? throw new InvalidOperationException("sign counts were not computed") : Positive[j] + Negative[j];

    /// <summary>
    /// p_same_sign_j = max(#pos, #neg) / #{i: g_ij ≠ 0} (SCIENCE.md §1): exact zeros (dead ReLUs, max-pool,
    /// inputs that are zero) carry no sign and are not counted. NaN where no example has a non-zero gradient;
    /// such parameters are left out of the means. Needs the sign counts.
    /// </summary>
    public double PSameSign(int j)
    {
        var signed = Signed(j);
        return signed == 0 ? double.NaN : Math.Max(Positive![j], Negative![j]) / signed;
    }
}
