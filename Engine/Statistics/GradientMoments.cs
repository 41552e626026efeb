using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Models.Layers;
using OrleansSweeps.Engine.Statistics.PerExample;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Statistics;

/// <summary>
/// Per-parameter moments of per-example gradients g_ij = ∂L_i/∂θ_j over n examples (SCIENCE.md §1),
/// computed exactly from the layer structure (no loop over examples):
/// mean g_j, second moment s_j, and optionally the sign counts #{i: g_ij &gt; 0}, #{i: g_ij &lt; 0}
/// (examples whose gradient is exactly zero are in neither: #{i: g_ij ≠ 0} = #pos + #neg).
/// Every parameter is covered, frozen ones too (their statistics are those they would have if trained).
/// </summary>
public sealed class GradientMoments
{
    /// <summary>Examples per chunk: bounds memory (GSNR CNN p = 20 on 15,000 images stays well under 512 MiB).</summary>
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
    public static GradientMoments Compute(NativeModel model, TensorData data, ReadOnlySpan<long> indices, bool signs, int chunk = DefaultChunk)
    {
        var selection = indices.ToArray();
        return EngineCall.Run("grad_moments", () =>
        {
            EngineError.Require(chunk >= 1, "chunk must be >= 1");
            using var scope = NewDisposeScope();
            var net = model.Net;
            // Per weighted layer, [4, weight + bias] float64: Σ g, Σ g², #pos, #neg.
            var sums = net.Weighted.Select(l => zeros(4, l.Weight.numel() + l.Bias.numel(), ScalarType.Float64, model.TorchDevice)).ToArray();
            Batch.ForEachChunk(data, selection, chunk, batch =>
            {
                using var chunkScope = NewDisposeScope();
                var captures = new List<Capture>();
                var loss = Losses.PerExample(net.Forward(batch.X, captures), batch, data).sum();
                var deltas = Autograd.OutputGradients(loss, captures);
                for (var l = 0; l < captures.Count; l++)
                {
                    var a = captures[l].Input.detach();
                    switch (captures[l].Layer)
                    {
                        case LinearLayer:
                            AddLinear(sums[l], a, deltas[l], signs);
                            break;
                        case BatchNormLayer bn:
                            AddRows(sums[l], ConvGradients.BatchNorm(bn, a, deltas[l]), signs);
                            break;
                        case ConvLayer conv when a.device_type == TorchSharp.DeviceType.CPU:
                            var fused = ConvMomentsKernel.Sums(conv.Spec, a, deltas[l], signs);
                            sums[l].PlusInPlace(tensor(fused, sums[l].shape, ScalarType.Float64));
                            break;
                        case ConvLayer conv:
                            AddRows(sums[l], ConvGradients.Rows(conv.Spec, a, [deltas[l]]).select(1, 0), signs);
                            break;
                    }
                }
            });
            var n = (double)(selection.Length == 0 ? data.Count : selection.Length);
            var mean = Flat.Read(sums.Select(s => s[0].Over(n)).ToArray());
            var second = Flat.Read(sums.Select(s => s[1].Over(n)).ToArray());
            return new GradientMoments((int)n, mean, second,
                signs ? Flat.Read(sums.Select(s => s[2]).ToArray()) : null,
                signs ? Flat.Read(sums.Select(s => s[3]).ToArray()) : null);
        });
    }

    /// <summary>Adds per-example gradient rows [b, params] of one layer.</summary>
    private static void AddRows(Tensor sums, Tensor grads, bool signs)
    {
        sums[0].PlusInPlace(grads.sum(0L).to(ScalarType.Float64));
        sums[1].PlusInPlace(grads.Squared().sum(0L).to(ScalarType.Float64));
        if (!signs) return;
        sums[2].PlusInPlace(grads.gt(Scalars.Zero).sum(0L).to(ScalarType.Float64));
        sums[3].PlusInPlace(grads.lt(Scalars.Zero).sum(0L).to(ScalarType.Float64));
    }

    /// <summary>
    /// Linear layer: g_i = δ_i a_iᵀ, so Σ_i g_i = δᵀa, Σ_i g_i² = (δ²)ᵀ(a²), and with s = sign,
    /// Σ_i s(δ)s(a) = #pos − #neg and Σ_i |s(δ)||s(a)| = #pos + #neg = #{g_ij ≠ 0} (an example with δ = 0 or
    /// a = 0 — a dead ReLU, an input that is zero — has g_ij = 0 and no sign): no per-example gradient is formed.
    /// </summary>
    private static void AddLinear(Tensor sums, Tensor a, Tensor d, bool signs)
    {
        static Tensor Flatten(Tensor w, Tensor b) => cat([w.reshape(-1), b]).to(ScalarType.Float64);
        sums[0].PlusInPlace(Flatten(d.t().mm(a), d.sum(0L)));
        var d2 = d.Squared();
        sums[1].PlusInPlace(Flatten(d2.t().mm(a.Squared()), d2.sum(0L)));
        if (!signs) return;
        var sd = d.sign();
        var sa = a.sign();
        var difference = Flatten(sd.t().mm(sa), sd.sum(0L));
        var nonzero = Flatten(sd.abs().t().mm(sa.abs()), sd.abs().sum(0L));
        sums[2].PlusInPlace(nonzero.Plus(difference).Over(2));
        sums[3].PlusInPlace(nonzero.sub(difference).Over(2));
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
