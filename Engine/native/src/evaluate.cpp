// Loss/accuracy evaluation and the plain gradient of the mean loss, both chunked.
#include <cmath>
#include <limits>

#include "data.h"
#include "errors.h"
#include "model.h"

extern "C" int32_t gs_eval(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, gs_eval_result* out) {
    return gs::guard("gs_eval", [&] {
        gs::require(model != nullptr && data != nullptr && out != nullptr, "null argument");
        torch::NoGradGuard no_grad;
        double loss_sum = 0.0;
        int64_t correct = 0, count = 0;
        gs::for_each_chunk(data->data, idx, n_idx, gs::kChunkExamples, [&](const gs::Batch& batch) {
            const auto output = model->model->forward(batch.x);
            loss_sum += gs::per_example_loss(output, batch, data->data).sum().to(torch::kFloat64).item<double>();
            if (data->data.classification()) correct += gs::correct_count(output, batch);
            count += batch.count();
        });
        out->count = count;
        out->loss = loss_sum / static_cast<double>(count);
        out->accuracy = data->data.classification() ? static_cast<double>(correct) / static_cast<double>(count)
                                                    : std::numeric_limits<double>::quiet_NaN();
    });
}

namespace {

// Σ over the selected examples (chunk by chunk) of ∂scalar(chunk)/∂θ for every parameter, in float64;
// zeros for frozen parameters. scalar(batch, output) returns the chunk's scalar to differentiate.
std::vector<torch::Tensor> summed_grads(const gs::Model& model, const gs::Data& data, const int64_t* idx, int64_t n_idx,
                                        const std::function<torch::Tensor(const gs::Batch&, const torch::Tensor&)>& scalar) {
    const auto params = model.parameters();
    std::vector<torch::Tensor> sums, wrt;
    std::vector<size_t> where;
    for (size_t i = 0; i < params.size(); ++i) {
        sums.push_back(torch::zeros_like(params[i], torch::kFloat64));
        if (params[i].requires_grad()) { wrt.push_back(params[i]); where.push_back(i); }
    }
    gs::for_each_chunk(data, idx, n_idx, gs::kChunkExamples, [&](const gs::Batch& batch) {
        const auto value = scalar(batch, model.forward(batch.x));
        if (wrt.empty()) return;
        const auto grads = torch::autograd::grad({value}, wrt);
        for (size_t j = 0; j < grads.size(); ++j) sums[where[j]] += grads[j].to(torch::kFloat64);
    });
    return sums;
}

}  // namespace

extern "C" int32_t gs_loss_grad(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, double* loss,
                                double* grad, int64_t count) {
    return gs::guard("gs_loss_grad", [&] {
        gs::require(model != nullptr && data != nullptr && loss != nullptr && grad != nullptr, "null argument");
        const int64_t n = idx == nullptr ? data->data.count() : n_idx;
        double loss_sum = 0.0;
        auto sums = summed_grads(*model->model, data->data, idx, n_idx, [&](const gs::Batch& batch, const torch::Tensor& out) {
            const auto chunk_loss = gs::per_example_loss(out, batch, data->data).sum();
            loss_sum += chunk_loss.to(torch::kFloat64).item<double>();
            return chunk_loss;
        });
        *loss = loss_sum / static_cast<double>(n);
        for (auto& s : sums) s /= static_cast<double>(n);
        gs::read_flat(sums, grad, count);
    });
}

extern "C" int32_t gs_output_grad(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, int64_t output,
                                  double* grad, int64_t count) {
    return gs::guard("gs_output_grad", [&] {
        gs::require(model != nullptr && data != nullptr && grad != nullptr, "null argument");
        const auto sums = summed_grads(*model->model, data->data, idx, n_idx, [&](const gs::Batch&, const torch::Tensor& out) {
            gs::require(output >= 0 && output < out.size(1), "output index out of range");
            return out.select(1, output).sum();
        });
        gs::read_flat(sums, grad, count);
    });
}
