// The MGS penalties (SCIENCE.md §3) as differentiable functions of θ. One backward pass per output c, with
// create_graph, gives δ^c_l = ∂(Σ_i f_c(x_i))/∂z_l for every trainable layer l; row i is example i's own term.
// The kernel is then assembled from the layer structure without materialising J for linear layers:
//   linear: K_l[(i,c),(j,d)] = ⟨δ^c_i a_iᵀ, δ^d_j a_jᵀ⟩ + ⟨δ^c_i, δ^d_j⟩ = (δ^c_i·δ^d_j)(a_i·a_j + 1)
//   conv:   per-example gradients G_(i,c) = δ^c_i U_iᵀ (U_i = unfold of x_i), differentiable, then G Gᵀ.
// The trace needs only the diagonal: Σ_{i,c} ||δ^c_i||²(||a_i||² + 1) for linear layers, ||G||² for conv.
#include <limits>

#include "errors.h"
#include "penalties.h"

namespace gs {
namespace {

// Differentiable per-(example, output) gradients of a conv layer, [b·k, out·in·k² + out], rows example-major.
torch::Tensor conv_rows(const Layer& layer, const torch::Tensor& input, const std::vector<torch::Tensor>& deltas) {
    const int64_t b = input.size(0), k = static_cast<int64_t>(deltas.size());
    const auto unfolded = at::im2col(input, {layer.kernel, layer.kernel}, {1, 1}, {layer.pad, layer.pad},
                                     {layer.stride, layer.stride});                 // [b, in·k², L]
    const auto d = torch::stack(deltas, 1).reshape({b, k * layer.out, -1});        // [b, k·out, L]
    const auto weight = torch::bmm(d, unfolded.transpose(1, 2)).reshape({b * k, -1}); // [b·k, out·in·k²]
    const auto bias = d.sum(2).reshape({b * k, layer.out});
    return torch::cat({weight, bias}, 1);
}

}  // namespace

MgsPenalties mgs_penalties(const torch::Tensor& output, const std::vector<Capture>& captures, bool trace, bool log_det) {
    require(output.dim() == 2, "the model output must be [batch, outputs]");
    const int64_t b = output.size(0), k = output.size(1);
    std::vector<const Capture*> trained;
    std::vector<torch::Tensor> outputs;
    for (const auto& c : captures) {
        if (c.layer->frozen) continue;  // K is over the parameters being trained
        require(c.layer->kind != LayerKind::BatchNorm, "the MGS penalties do not support BatchNorm layers");
        trained.push_back(&c);
        outputs.push_back(c.output);
    }
    require(!trained.empty(), "the MGS penalties need at least one trainable layer");
    std::vector<std::vector<torch::Tensor>> deltas(trained.size());
    for (int64_t c = 0; c < k; ++c) {
        const auto grads = torch::autograd::grad({output.select(1, c).sum()}, outputs, {}, true, true, true);
        for (size_t l = 0; l < trained.size(); ++l)
            deltas[l].push_back(grads[l].defined() ? grads[l] : torch::zeros_like(outputs[l]));
    }
    const double size = static_cast<double>(b * k);
    MgsPenalties result;
    if (trace) {
        auto sum = torch::zeros({}, output.options());
        for (size_t l = 0; l < trained.size(); ++l) {
            const auto& a = trained[l]->input;
            if (trained[l]->layer->kind == LayerKind::Linear) {
                const auto inputs = a.square().sum(1) + 1;                              // ||a_i||² + 1, [b]
                for (const auto& d : deltas[l]) sum = sum + (d.square().sum(1) * inputs).sum();
            } else {
                sum = sum + conv_rows(*trained[l]->layer, a, deltas[l]).square().sum();
            }
        }
        result.trace = sum / size;
    }
    if (log_det) {
        // K in float64 from float64 factors (SCIENCE.md §3), rows example-major (i·k + c).
        auto kernel = torch::zeros({b * k, b * k}, output.options().dtype(torch::kFloat64));
        for (size_t l = 0; l < trained.size(); ++l) {
            const auto a = trained[l]->input.to(torch::kFloat64);
            if (trained[l]->layer->kind == LayerKind::Linear) {
                const auto d = torch::stack(deltas[l], 1).reshape({b * k, -1}).to(torch::kFloat64);
                const auto inputs = (a.mm(a.t()) + 1).view({b, 1, b, 1}).expand({b, k, b, k}).reshape({b * k, b * k});
                kernel = kernel + d.mm(d.t()) * inputs;
            } else {
                const auto g = conv_rows(*trained[l]->layer, trained[l]->input, deltas[l]).to(torch::kFloat64);
                kernel = kernel + g.mm(g.t());
            }
        }
        const auto [factor, info] = torch::linalg_cholesky_ex(kernel);
        if (info.item<int64_t>() != 0)
            throw DivergedError("the MGS kernel K (" + std::to_string(b * k) + "×" + std::to_string(b * k) +
                                ") is singular (not numerically positive definite), so log det K is undefined; "
                                "b·k must stay below the trainable parameter count and the batch's gradients independent");
        result.log_det = 2.0 * factor.diagonal().log().sum() / size;
    }
    return result;
}

}  // namespace gs
