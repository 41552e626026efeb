// Per-example diagnostics of the coherent-gradients paper (SCIENCE.md §4): directional derivatives of
// each example's loss along a direction, and per-example correctness.
#include <cstring>

#include "data.h"
#include "errors.h"
#include "model.h"

extern "C" int32_t gs_example_projections(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx,
                                          const double* direction, int64_t count, double* out) {
    return gs::guard("gs_example_projections", [&] {
        gs::require(model != nullptr && data != nullptr && direction != nullptr && out != nullptr, "null argument");
        const auto& net = *model->model;
        gs::require(count == net.parameter_count(false),
                    "expected " + std::to_string(net.parameter_count(false)) + " direction values, got " + std::to_string(count));
        // The direction as tensors shaped like the trainable parameters (frozen ones never move).
        const auto params = net.parameters();
        std::vector<torch::Tensor> wrt, along;
        int64_t offset = 0;
        for (const auto& p : params) {
            if (p.requires_grad()) {
                wrt.push_back(p);
                along.push_back(torch::from_blob(const_cast<double*>(direction + offset), p.sizes(), torch::kFloat64)
                                    .to(p.options()));
            }
            offset += p.numel();
        }
        int64_t written = 0;
        gs::for_each_chunk(data->data, idx, n_idx, gs::kChunkExamples, [&](const gs::Batch& batch) {
            const auto n = batch.count();
            if (wrt.empty()) {
                std::fill(out + written, out + written + n, 0.0);
                written += n;
                return;
            }
            // s_i = ∇θ L_i · v for every i by the double-backward trick: h(u) = ∂(Σ_i u_i L_i)/∂θ is linear in u,
            // so ∂(h(u) · v)/∂u_i = ∇θ L_i · v, whatever u is (u = 0 here). Two backward passes per chunk.
            const auto losses = gs::per_example_loss(net.forward(batch.x), batch, data->data);
            auto u = torch::zeros_like(losses, losses.options().requires_grad(true));
            const auto h = torch::autograd::grad({losses}, wrt, {u}, true, true, true);
            auto dot = torch::zeros({}, losses.options());
            for (size_t j = 0; j < h.size(); ++j) {
                if (h[j].defined()) dot = dot + (h[j] * along[j]).sum();
            }
            const auto s = dot.requires_grad() ? torch::autograd::grad({dot}, {u}, {}, false, false, true)[0]
                                               : torch::Tensor();
            const auto values = s.defined() ? s.to(torch::kCPU, torch::kFloat64).contiguous() : torch::zeros({n}, torch::kFloat64);
            std::memcpy(out + written, values.data_ptr<double>(), sizeof(double) * n);
            written += n;
        });
    });
}

extern "C" int32_t gs_example_correct(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, uint8_t* out) {
    return gs::guard("gs_example_correct", [&] {
        gs::require(model != nullptr && data != nullptr && out != nullptr, "null argument");
        gs::require(data->data.classification(), "per-example correctness needs classification data");
        torch::NoGradGuard no_grad;
        int64_t written = 0;
        gs::for_each_chunk(data->data, idx, n_idx, gs::kChunkExamples, [&](const gs::Batch& batch) {
            const auto hit = model->model->forward(batch.x).argmax(1).eq(batch.labels).to(torch::kCPU, torch::kUInt8).contiguous();
            std::memcpy(out + written, hit.data_ptr<uint8_t>(), batch.count());
            written += batch.count();
        });
    });
}
