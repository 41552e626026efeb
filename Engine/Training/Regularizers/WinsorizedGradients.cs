using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Models.Layers;
using OrleansSweeps.Engine.Statistics.PerExample;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Training.Regularizers;

/// <summary>
/// Winsorized gradient (SCIENCE.md §4): per parameter j, the batch's per-example gradients g_ij clipped to
/// [l_j, u_j] (the (c+1)-th smallest and largest of them) and averaged. Per-example gradients come from the
/// layer structure (linear: g_i = δ_i a_iᵀ; conv: δ_i U_iᵀ), never from a loop of backward passes. On the CPU
/// the fused kernels sort each parameter's b values in cache (linear weights are never materialised); on CUDA
/// the same means come from tensor sorts.
/// </summary>
internal static class WinsorizedGradients
{
    /// <returns>The mean loss, and the winsorized gradient of every trainable parameter (in <see cref="SequentialNet.Trainable"/> order).</returns>
    public static (double MeanLoss, Tensor[] Gradients) Compute(SequentialNet net, Batch batch, TensorData data, long c)
    {
        EngineError.Require(!net.HasBatchNorm, "winsorized gradients need independent examples; this model has BatchNorm layers");
        var b = batch.Count;
        EngineError.Require(b >= 2 * c + 1, $"winsorize c = {c} needs batches of at least 2c+1 = {2 * c + 1} examples, got {b}");
        var captures = new List<Capture>();
        var losses = Losses.PerExample(net.Forward(batch.X, captures), batch, data);
        var meanLoss = losses.mean().to(ScalarType.Float64).item<double>();
        // δ_l = ∂(Σ_i L_i)/∂z_l: row i is example i's own ∂L_i/∂z_l (examples are independent without BatchNorm).
        var deltas = Autograd.OutputGradients(losses.sum(), captures);
        using var noGrad = no_grad();
        var gradients = new List<Tensor>();
        for (var l = 0; l < captures.Count; l++)
        {
            var layer = captures[l].Layer;
            if (layer.Spec.Frozen) continue;
            var a = captures[l].Input.detach();
            if (layer is LinearLayer)
            {
                gradients.Add(LinearWeight(a, deltas[l], c));
                gradients.Add(Columns(deltas[l], c));
                continue;
            }
            // Conv: the layer's per-example gradients [b, out·in·k² + out] at once (one layer, not the model).
            var mean = Columns(ConvGradients.Rows(layer.Spec, a, [deltas[l]]).select(1, 0), c);
            gradients.Add(mean.narrow(0, 0, layer.Weight.numel()).view(layer.Weight.shape));
            gradients.Add(mean.narrow(0, layer.Weight.numel(), layer.Bias.numel()));
        }
        return (meanLoss, gradients.ToArray());
    }

    /// <summary>[out, in]: the winsorized mean over examples of δ_io a_im for every weight.</summary>
    private static unsafe Tensor LinearWeight(Tensor a, Tensor d, long c)
    {
        long b = a.shape[0], input = a.shape[1], output = d.shape[1];
        if (a.device_type != TorchSharp.DeviceType.CPU)
        {
            // [out, in, b]: element (o, m, i) = δ_io a_im, example i's gradient of W_om
            var g = d.t().unsqueeze(1) * a.t().unsqueeze(0);
            return SortedMean(g.reshape(output * input, b), c).view(output, input);
        }
        var ac = a.contiguous();
        var dc = d.contiguous();
        var result = empty(output, input, a.dtype);
        IntPtr pa = Autograd.Memory(ac), pd = Autograd.Memory(dc), pw = Autograd.Memory(result);
        var float64 = a.dtype == ScalarType.Float64;
        ForRanges(output, (first, last) =>
        {
            var status = float64
                ? KernelMethods.WinsorizedLinear((double*)pa, (double*)pd, b, input, output, c, first, last, (double*)pw)
                : KernelMethods.WinsorizedLinear((float*)pa, (float*)pd, b, input, output, c, first, last, (float*)pw);
            KernelMethods.Check(status, "gsk_winsorized_linear");
        });
        return result;
    }

    /// <summary>[columns]: the winsorized mean of each column of g [b, columns] (one example per row).</summary>
    private static unsafe Tensor Columns(Tensor g, long c)
    {
        long b = g.shape[0], columns = g.shape[1];
        if (g.device_type != TorchSharp.DeviceType.CPU) return SortedMean(g.t().contiguous(), c);
        var gc = g.contiguous();
        var result = empty(columns, g.dtype);
        IntPtr pg = Autograd.Memory(gc), pm = Autograd.Memory(result);
        var float64 = g.dtype == ScalarType.Float64;
        ForRanges(columns, (first, last) =>
        {
            var status = float64
                ? KernelMethods.WinsorizedColumns((double*)pg, b, columns, c, first, last, (double*)pm)
                : KernelMethods.WinsorizedColumns((float*)pg, b, columns, c, first, last, (float*)pm);
            KernelMethods.Check(status, "gsk_winsorized_columns");
        });
        return result;
    }

    /// <summary>
    /// rows [M, b] → [M]: after sorting S_0 ≤ … ≤ S_{b−1}, the c lowest become S_c and the c highest
    /// S_{b−1−c}: mean = (c·S_c + Σ_{r=c}^{b−1−c} S_r + c·S_{b−1−c}) / b.
    /// </summary>
    private static Tensor SortedMean(Tensor rows, long c)
    {
        var b = rows.shape[1];
        var sorted = rows.sort(1).Values;
        var middle = sorted.narrow(1, c, b - 2 * c).sum(1);
        return middle.Plus(sorted.select(1, c).Plus(sorted.select(1, b - 1 - c)).Times(c)).Over(b);
    }

    /// <summary>[0, count) in as many ranges as libtorch has threads, each run once, concurrently.</summary>
    private static void ForRanges(long count, Action<long, long> body)
    {
        var parts = (int)Math.Max(1, Math.Min(get_num_threads(), count));
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, r => body(count * r / parts, count * (r + 1) / parts));
    }
}
