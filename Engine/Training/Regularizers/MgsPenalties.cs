using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Models.Layers;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Statistics.PerExample;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Training.Regularizers;

/// <summary>
/// The MGS penalties (SCIENCE.md §3) as differentiable functions of θ. One backward pass per output c, with
/// create_graph, gives δ^c_l = ∂(Σ_i f_c(x_i))/∂z_l for every trainable layer l; row i is example i's own term.
/// The kernel is then assembled from the layer structure without materialising J for linear layers:
///   linear: K_l[(i,c),(j,d)] = (δ^c_i·δ^d_j)(a_i·a_j + 1);  conv: per-example G_(i,c) = δ^c_i U_iᵀ, then G Gᵀ.
/// The trace needs only the diagonal: Σ_{i,c} ‖δ^c_i‖²(‖a_i‖² + 1) for linear layers, ‖G‖² for conv.
/// </summary>
internal static class MgsPenalties
{
    /// <returns>trace(K)/(b·k) and log det(K)/(b·k), each null unless asked for.</returns>
    public static (Tensor? Trace, Tensor? LogDet) Compute(Tensor output, IReadOnlyList<Capture> captures, bool trace, bool logDet)
    {
        EngineError.Require(output.dim() == 2, "the model output must be [batch, outputs]");
        long b = output.shape[0], k = output.shape[1];
        var trained = captures.Where(c => !c.Layer.Spec.Frozen).ToList();  // K is over the parameters being trained
        EngineError.Require(trained.All(c => c.Layer is not BatchNormLayer), "the MGS penalties do not support BatchNorm layers");
        EngineError.Require(trained.Count > 0, "the MGS penalties need at least one trainable layer");
        var deltas = trained.Select(_ => new List<Tensor>()).ToArray();
        for (var c = 0; c < k; c++)
        {
            var grads = Autograd.OutputGradients(output.select(1, c).sum(), trained, createGraph: true);
            for (var l = 0; l < trained.Count; l++) deltas[l].Add(grads[l]);
        }
        double size = b * k;
        Tensor? traceValue = null, logDetValue = null;
        if (trace)
        {
            var sum = zeros(1, output.dtype, output.device).squeeze();
            for (var l = 0; l < trained.Count; l++)
            {
                var a = trained[l].Input;
                if (trained[l].Layer is LinearLayer)
                {
                    var inputs = a.Squared().sum(1).PlusConstant(1);  // ‖a_i‖² + 1, [b]
                    foreach (var d in deltas[l]) sum = sum.Plus((d.Squared().sum(1) * inputs).sum());
                }
                else
                {
                    sum = sum.Plus(ConvGradients.Rows(trained[l].Layer.Spec, a, deltas[l]).Squared().sum());
                }
            }
            traceValue = sum.Over(size);
        }
        if (logDet)
        {
            // K in float64 from float64 factors (SCIENCE.md §3), rows example-major (i·k + c).
            var kernel = zeros(b * k, b * k, ScalarType.Float64, output.device);
            for (var l = 0; l < trained.Count; l++)
            {
                if (trained[l].Layer is LinearLayer)
                {
                    var a = trained[l].Input.to(ScalarType.Float64);
                    var d = MgsKernel.ExampleMajor(deltas[l]).to(ScalarType.Float64);
                    var inputs = a.mm(a.t()).PlusConstant(1).view(b, 1, b, 1).expand(b, k, b, k).reshape(b * k, b * k);
                    kernel = kernel.Plus(d.mm(d.t()) * inputs);
                }
                else
                {
                    var g = ConvGradients.Rows(trained[l].Layer.Spec, trained[l].Input, deltas[l]).reshape(b * k, -1).to(ScalarType.Float64);
                    kernel = kernel.Plus(g.mm(g.t()));
                }
            }
            var (factor, info) = linalg.cholesky_ex(kernel);
            if (info.item<int>() != 0)
            {
                throw EngineError.Diverged($"the MGS kernel K ({b * k}×{b * k}) is singular (not numerically positive definite), so log det K is undefined; " +
                                           "b·k must stay below the trainable parameter count and the batch's gradients independent");
            }
            logDetValue = factor.diagonal().log().sum().Times(2.0).Over(size);
        }
        return (traceValue, logDetValue);
    }
}
