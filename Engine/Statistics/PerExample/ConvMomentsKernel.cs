using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models.Layers;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Statistics.PerExample;

/// <summary>
/// Σ_i g_i, Σ_i g_i², #{g_i &gt; 0}, #{g_i &lt; 0} of a conv layer on the CPU by the fused kernel
/// (gsk_conv_moments: one example at a time, in cache; 1.13× a plain step against 1.5× for unfold + bmm).
/// The batch is split into as many ranges as libtorch has threads; each range sums into its own row, added
/// in range order, so the result is the same on every run at a given thread count.
/// </summary>
internal static class ConvMomentsKernel
{
    /// <returns>[4, params] float64 on the CPU: sums, squares, positive and negative counts.</returns>
    public static unsafe double[] Sums(LayerSpec layer, Tensor input, Tensor delta, bool signs)
    {
        var x = input.contiguous();
        var d = delta.contiguous();
        var conv = new KernelMethods.Conv
        {
            In = layer.In, Out = layer.Out, Kernel = layer.Kernel, Stride = layer.Stride, Pad = layer.Pad,
            Height = x.shape[2], Width = x.shape[3], OutH = d.shape[2], OutW = d.shape[3],
        };
        var batch = x.shape[0];
        var parameters = layer.Out * layer.In * layer.Kernel * layer.Kernel + layer.Out;
        var parts = (int)Math.Max(1, Math.Min(get_num_threads(), batch));
        var partial = new double[parts][];
        IntPtr px = Autograd.Memory(x), pd = Autograd.Memory(d);
        var float64 = x.dtype == ScalarType.Float64;
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, r =>
        {
            long first = batch * r / parts, last = batch * (r + 1) / parts;
            var sums = new double[4 * parameters];
            fixed (double* s = sums)
            {
                var status = float64
                    ? KernelMethods.ConvMoments(conv, (double*)px, (double*)pd, first, last, signs ? 1 : 0, s)
                    : KernelMethods.ConvMoments(conv, (float*)px, (float*)pd, first, last, signs ? 1 : 0, s);
                KernelMethods.Check(status, "gsk_conv_moments");
            }
            partial[r] = sums;
        });
        var total = partial[0];
        for (var r = 1; r < parts; r++)
        {
            for (var j = 0; j < total.Length; j++) total[j] += partial[r][j];
        }
        return total;
    }
}
