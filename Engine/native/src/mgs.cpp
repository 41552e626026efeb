// Exact MGS kernel K = J Jᵀ on a batch (SCIENCE.md §3): J has a row per (example i, output c) holding
// ∂f_c(x_i)/∂θ over the trainable parameters. One backward pass per output c gives δ^c for every layer;
// K is then assembled layer by layer without materialising J for linear layers:
//   linear: ⟨δ_i^c a_iᵀ, δ_j^d a_jᵀ⟩ + ⟨δ_i^c, δ_j^d⟩ = (δ_i^c·δ_j^d)(a_i·a_j + 1)
//   conv:   per-(example, output) gradients G from im2col, then G Gᵀ.
#include <cmath>
#include <cstring>
#include <limits>

#include "data.h"
#include "errors.h"
#include "gradstats.h"

namespace gs {
namespace {

// Rows ordered example-major: row i·k + c.
torch::Tensor stack_example_major(const std::vector<torch::Tensor>& per_output) {
    const auto stacked = torch::stack(per_output, 1);  // [b, k, ...]
    return stacked.reshape({stacked.size(0) * stacked.size(1), -1});
}

}  // namespace

torch::Tensor mgs_kernel(const Model& net, const torch::Tensor& x) {
    std::vector<Capture> captures;
    const auto output = net.forward(x, &captures);
    require(output.dim() == 2, "the model output must be [batch, outputs]");
    const int64_t b = output.size(0), k = output.size(1);
    std::vector<std::vector<torch::Tensor>> deltas(captures.size());
    for (int64_t c = 0; c < k; ++c) {
        const auto grads = output_grads(output.select(1, c).sum(), captures, c + 1 < k);
        for (size_t l = 0; l < captures.size(); ++l) deltas[l].push_back(grads[l]);
    }
    auto kernel = torch::zeros({b * k, b * k}, torch::dtype(torch::kFloat64).device(net.device));
    for (size_t l = 0; l < captures.size(); ++l) {
        const auto& layer = *captures[l].layer;
        if (layer.frozen) continue;  // K is over the parameters being trained
        const auto a = captures[l].input.detach();
        if (layer.kind == LayerKind::Linear) {
            const auto d = stack_example_major(deltas[l]);                                  // [b·k, out]
            // (a_i·a_j + 1) for every output pair: a b×b matrix blown up to (b·k)×(b·k) by a broadcast view.
            const auto inputs = (a.mm(a.t()) + 1).view({b, 1, b, 1}).expand({b, k, b, k}).reshape({b * k, b * k});
            kernel += (d.mm(d.t()) * inputs).to(torch::kFloat64);
        } else if (layer.kind == LayerKind::BatchNorm) {
            std::vector<torch::Tensor> per_output;
            for (const auto& d : deltas[l]) per_output.push_back(batchnorm_per_example_grads(layer, a, d));
            const auto g = stack_example_major(per_output);                                 // [b·k, 2C]
            kernel += g.mm(g.t()).to(torch::kFloat64);
        } else {
            const auto g = conv_per_example_grads(layer, a, deltas[l]).reshape({b * k, -1});  // [b·k, params]
            kernel += g.mm(g.t()).to(torch::kFloat64);
        }
    }
    return kernel;
}

}  // namespace gs

extern "C" int32_t gs_mgs_kernel(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, double* kernel,
                                 int64_t capacity, gs_mgs_result* out) {
    return gs::guard("gs_mgs_kernel", [&] {
        gs::require(model != nullptr && data != nullptr && out != nullptr, "null argument");
        torch::Tensor k;
        gs::for_each_chunk(data->data, idx, n_idx, std::numeric_limits<int64_t>::max(),
                           [&](const gs::Batch& batch) { k = gs::mgs_kernel(*model->model, batch.x); });
        out->size = k.size(0);
        out->trace = k.trace().item<double>();
        // log det in float64 from a Cholesky factor; a K that is not numerically positive definite is
        // reported as singular (NaN log det), never an error.
        const auto [factor, info] = torch::linalg_cholesky_ex(k);
        out->singular = info.item<int64_t>() != 0 ? 1 : 0;
        out->log_det = out->singular ? std::numeric_limits<double>::quiet_NaN()
                                     : 2.0 * factor.diagonal().log().sum().item<double>();
        if (kernel != nullptr) {
            gs::require(capacity >= k.numel(), "kernel buffer holds " + std::to_string(capacity) + " values, need " +
                                                   std::to_string(k.numel()));
            const auto host = k.to(torch::kCPU).contiguous();
            std::memcpy(kernel, host.data_ptr<double>(), sizeof(double) * host.numel());
        }
    });
}
