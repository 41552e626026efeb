using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Models.Layers;
using OrleansSweeps.Engine.Statistics.PerExample;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Statistics;

/// <summary>
/// The model gradient similarity kernel K = J Jᵀ on a batch (SCIENCE.md §3), over the trainable
/// parameters, rows ordered example-major (row i·k + c). Trace and log det in float64; a K that is
/// not numerically positive definite is reported as singular with a NaN log det.
/// </summary>
public sealed record MgsKernel(double Trace, double LogDet, bool Singular, int Size, double[]? Matrix)
{
    /// <summary>P_trace = trace(K)/(b·k): the mean eigenvalue.</summary>
    public double MeanEigenvalue => Trace / Size;

    /// <summary>P_logdet = log det(K)/(b·k): the log of the geometric mean eigenvalue.</summary>
    public double LogGeometricMeanEigenvalue => LogDet / Size;

    /// <param name="outputs">k, the model's output count.</param>
    public static MgsKernel Compute(NativeModel model, TensorData data, ReadOnlySpan<long> batch, int outputs, bool withMatrix)
    {
        var selection = batch.ToArray();
        return EngineCall.Run("mgs_kernel", () =>
        {
            using var scope = NewDisposeScope();
            var kernel = Kernel(model.Net, Batch.Whole(data, selection).X);
            var trace = kernel.trace().item<double>();
            // log det in float64 from a Cholesky factor; a K that is not numerically positive definite is
            // reported as singular (NaN log det), never an error.
            var (factor, info) = linalg.cholesky_ex(kernel);
            var singular = info.item<int>() != 0;
            var logDet = singular ? double.NaN : 2.0 * factor.diagonal().log().sum().item<double>();
            var matrix = withMatrix ? kernel.cpu().contiguous().data<double>().ToArray() : null;
            return new MgsKernel(trace, logDet, singular, (int)kernel.shape[0], matrix);
        });
    }

    /// <summary>
    /// K from one backward pass per output c (δ^c for every layer), assembled layer by layer without
    /// materialising J for linear layers: ⟨δ_i^c a_iᵀ, δ_j^d a_jᵀ⟩ + ⟨δ_i^c, δ_j^d⟩ = (δ_i^c·δ_j^d)(a_i·a_j + 1);
    /// per-(example, output) gradients G, then G Gᵀ, for conv and BatchNorm layers.
    /// </summary>
    internal static Tensor Kernel(SequentialNet net, Tensor x)
    {
        var captures = new List<Capture>();
        var output = net.Forward(x, captures);
        EngineError.Require(output.dim() == 2, "the model output must be [batch, outputs]");
        long b = output.shape[0], k = output.shape[1];
        var deltas = captures.Select(_ => new List<Tensor>()).ToArray();
        for (var c = 0; c < k; c++)
        {
            var grads = Autograd.OutputGradients(output.select(1, c).sum(), captures, retainGraph: c + 1 < k);
            for (var l = 0; l < captures.Count; l++) deltas[l].Add(grads[l]);
        }
        var kernel = zeros(b * k, b * k, ScalarType.Float64, x.device);
        for (var l = 0; l < captures.Count; l++)
        {
            var layer = captures[l].Layer;
            if (layer.Spec.Frozen) continue;  // K is over the parameters being trained
            var a = captures[l].Input.detach();
            switch (layer)
            {
                case LinearLayer:
                    var d = ExampleMajor(deltas[l]);  // [b·k, out]
                    // (a_i·a_j + 1) for every output pair: a b×b matrix blown up to (b·k)×(b·k) by a broadcast view.
                    var inputs = a.mm(a.t()).PlusConstant(1).view(b, 1, b, 1).expand(b, k, b, k).reshape(b * k, b * k);
                    kernel.PlusInPlace((d.mm(d.t()) * inputs).to(ScalarType.Float64));
                    break;
                case BatchNormLayer bn:
                    var rows = ExampleMajor(deltas[l].Select(delta => ConvGradients.BatchNorm(bn, a, delta)).ToList());
                    kernel.PlusInPlace(rows.mm(rows.t()).to(ScalarType.Float64));
                    break;
                default:
                    var g = ConvGradients.Rows(layer.Spec, a, deltas[l]).reshape(b * k, -1);  // [b·k, params]
                    kernel.PlusInPlace(g.mm(g.t()).to(ScalarType.Float64));
                    break;
            }
        }
        return kernel;
    }

    /// <summary>Per-output tensors [b, …] stacked to rows ordered example-major: row i·k + c.</summary>
    internal static Tensor ExampleMajor(IReadOnlyList<Tensor> perOutput)
    {
        var stacked = stack(perOutput.ToArray(), 1);  // [b, k, ...]
        return stacked.reshape(stacked.shape[0] * stacked.shape[1], -1);
    }
}
