#include "gradstats.h"

#include <ATen/Parallel.h>

#include <cstring>

#include "conv_moments.h"
#include "data.h"
#include "errors.h"

namespace gs {

std::vector<torch::Tensor> output_grads(const torch::Tensor& scalar, const std::vector<Capture>& captures,
                                        bool retain_graph) {
    std::vector<torch::Tensor> outputs;
    outputs.reserve(captures.size());
    for (const auto& c : captures) outputs.push_back(c.output);
    return torch::autograd::grad({scalar}, outputs, {}, retain_graph, false, true);
}

void for_each_conv_group(const Layer& layer, const torch::Tensor& input, const std::vector<torch::Tensor>& deltas,
                         const std::function<void(int, int64_t, const torch::Tensor&, const torch::Tensor&)>& visit) {
    const int64_t batch = input.size(0), passes = static_cast<int64_t>(deltas.size());
    const int64_t columns = layer.in * layer.kernel * layer.kernel;
    const int64_t positions = deltas[0].size(2) * deltas[0].size(3);
    // Examples per group: U [g, in·k², L] and G [g, R·out, in·k²] within about 2 MB (a core's L2/L3 share).
    const int64_t per_example = (columns * positions + passes * layer.out * (columns + positions)) * input.element_size();
    const int64_t group = std::clamp<int64_t>((int64_t{2} << 20) / per_example, 1, batch);
    const int64_t groups = (batch + group - 1) / group;
    // Groups are spread over libtorch's threads (BLAS itself runs single-threaded, see runtime.cpp); the
    // static partition makes each thread's share, and so every sum, the same on every run.
    at::parallel_for(0, groups, 1, [&](int64_t first, int64_t last) {
      for (int64_t index = first; index < last; ++index) {
        const int64_t start = index * group;
        const int64_t g = std::min(group, batch - start);
        const auto unfolded = at::im2col(input.slice(0, start, start + g), {layer.kernel, layer.kernel}, {1, 1},
                                         {layer.pad, layer.pad}, {layer.stride, layer.stride});  // [g, in·k², L]
        std::vector<torch::Tensor> parts;
        for (const auto& d : deltas) parts.push_back(d.slice(0, start, start + g).reshape({g, 1, layer.out, positions}));
        const auto delta = (passes == 1 ? parts[0] : torch::cat(parts, 1)).reshape({g, passes * layer.out, positions});
        const auto weight = torch::bmm(delta, unfolded.transpose(1, 2)).view({g, passes, -1});  // [g, R, out·in·k²]
        visit(at::get_thread_num(), start, weight, delta.sum(2).view({g, passes, layer.out}));
      }
    });
}

torch::Tensor batchnorm_per_example_grads(const Layer& layer, const torch::Tensor& input, const torch::Tensor& delta) {
    std::vector<int64_t> channel_shape(input.dim(), 1);
    channel_shape[1] = layer.out;
    const auto normalised = (input - layer.running_mean.view(channel_shape)) /
                            (layer.running_var.view(channel_shape) + kBatchNormEps).sqrt();
    const auto batch = input.size(0);
    const auto gamma = (delta * normalised).reshape({batch, layer.out, -1}).sum(2);
    const auto beta = delta.reshape({batch, layer.out, -1}).sum(2);
    return torch::cat({gamma, beta}, 1);
}

torch::Tensor conv_per_example_grads(const Layer& layer, const torch::Tensor& input, const std::vector<torch::Tensor>& deltas) {
    const int64_t params = layer.out * layer.in * layer.kernel * layer.kernel + layer.out;
    auto out = torch::empty({input.size(0), static_cast<int64_t>(deltas.size()), params}, input.options());
    for_each_conv_group(layer, input, deltas, [&](int, int64_t start, const torch::Tensor& weight, const torch::Tensor& bias) {
        out.narrow(0, start, weight.size(0)).copy_(torch::cat({weight, bias}, 2));
    });
    return out;
}

namespace {

// Running sums over examples of g_ij, g_ij², [g_ij > 0], [g_ij < 0] for one layer's weight and bias.
struct LayerSums {
    torch::Tensor sum, square, positive, negative;  // float64, [weight numel + bias numel]
};

void add_rows(LayerSums& sums, const torch::Tensor& grads, bool signs) {
    sums.sum += grads.sum(0).to(torch::kFloat64);
    sums.square += grads.square().sum(0).to(torch::kFloat64);
    if (signs) {
        sums.positive += grads.gt(0).sum(0).to(torch::kFloat64);
        sums.negative += grads.lt(0).sum(0).to(torch::kFloat64);
    }
}

// Linear layer: g_i = δ_i a_iᵀ, so Σ_i g_i = δᵀa, Σ_i g_i² = (δ²)ᵀ(a²), and with s = sign,
// Σ_i s(δ)s(a) = #pos − #neg and Σ_i |s(δ)||s(a)| = #pos + #neg = #{g_ij ≠ 0} (an example with δ = 0 or
// a = 0 — a dead ReLU, an input that is zero — has g_ij = 0 and no sign): no per-example gradient is formed.
void add_linear(LayerSums& sums, const torch::Tensor& a, const torch::Tensor& d, bool signs) {
    const auto flat = [](const torch::Tensor& w, const torch::Tensor& b) {
        return torch::cat({w.reshape(-1), b}).to(torch::kFloat64);
    };
    sums.sum += flat(d.t().mm(a), d.sum(0));
    const auto d2 = d.square();
    sums.square += flat(d2.t().mm(a.square()), d2.sum(0));
    if (signs) {
        const auto sd = d.sign(), sa = a.sign();
        const auto difference = flat(sd.t().mm(sa), sd.sum(0));
        const auto nonzero = flat(sd.abs().t().mm(sa.abs()), sd.abs().sum(0));
        sums.positive += (nonzero + difference) / 2;
        sums.negative += (nonzero - difference) / 2;
    }
}

}  // namespace
}  // namespace gs

extern "C" int32_t gs_grad_moments(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, int64_t chunk,
                                   double* mean, double* second, double* positive, double* negative, int64_t count) {
    return gs::guard("gs_grad_moments", [&] {
        gs::require(model != nullptr && data != nullptr && mean != nullptr && second != nullptr, "null argument");
        gs::require(chunk >= 1, "chunk must be >= 1");
        const bool signs = positive != nullptr && negative != nullptr;
        const auto& net = *model->model;
        gs::require(count == net.parameter_count(false),
                    "expected " + std::to_string(net.parameter_count(false)) + " values, got " + std::to_string(count));
        std::vector<gs::LayerSums> sums;
        for (const auto& layer : net.layers) {
            if (!layer.has_parameters()) continue;
            const auto zeros = torch::zeros({layer.weight.numel() + layer.bias.numel()}, torch::dtype(torch::kFloat64).device(net.device));
            sums.push_back({zeros, zeros.clone(), zeros.clone(), zeros.clone()});
        }
        const int64_t n = idx == nullptr ? data->data.count() : n_idx;
        gs::for_each_chunk(data->data, idx, n_idx, chunk, [&](const gs::Batch& batch) {
            std::vector<gs::Capture> captures;
            const auto loss = gs::per_example_loss(net.forward(batch.x, &captures), batch, data->data).sum();
            const auto deltas = gs::output_grads(loss, captures, false);
            for (size_t l = 0; l < captures.size(); ++l) {
                const auto& layer = *captures[l].layer;
                const auto a = captures[l].input.detach();
                if (layer.kind == gs::LayerKind::Linear) {
                    gs::add_linear(sums[l], a, deltas[l], signs);
                    continue;
                }
                if (layer.kind == gs::LayerKind::BatchNorm) {
                    gs::add_rows(sums[l], gs::batchnorm_per_example_grads(layer, a, deltas[l]), signs);
                    continue;
                }
                if (!net.device.is_cuda()) {
                    // CPU: one fused pass per example (conv_moments.h).
                    gs::ConvSums fused{sums[l].sum, sums[l].square, sums[l].positive, sums[l].negative};
                    gs::add_conv_moments(layer, a, deltas[l], signs, fused);
                    continue;
                }
                // CUDA: per-example gradients group by group, reduced over examples at once.
                // One partial sum per thread, added in thread order afterwards: deterministic for a thread count.
                std::vector<gs::LayerSums> partial;
                for (int t = 0; t < at::get_num_threads(); ++t)
                    partial.push_back({torch::zeros_like(sums[l].sum), torch::zeros_like(sums[l].sum),
                                       torch::zeros_like(sums[l].sum), torch::zeros_like(sums[l].sum)});
                gs::for_each_conv_group(layer, a, {deltas[l]}, [&](int thread, int64_t, const torch::Tensor& w, const torch::Tensor& b) {
                    const auto grads = torch::cat({w.select(1, 0), b.select(1, 0)}, 1);  // [g, weights + out]
                    gs::add_rows(partial[thread], grads, signs);
                });
                for (const auto& p : partial) {
                    sums[l].sum += p.sum;
                    sums[l].square += p.square;
                    sums[l].positive += p.positive;
                    sums[l].negative += p.negative;
                }
            }
        });
        // Lay the sums out in parameter order (per layer: weight then bias), divided by n.
        std::vector<torch::Tensor> means, seconds, positives, negatives;
        for (auto& s : sums) {
            means.push_back(s.sum / static_cast<double>(n));
            seconds.push_back(s.square / static_cast<double>(n));
            positives.push_back(s.positive);
            negatives.push_back(s.negative);
        }
        gs::read_flat(means, mean, count);
        gs::read_flat(seconds, second, count);
        if (signs) {
            gs::read_flat(positives, positive, count);
            gs::read_flat(negatives, negative, count);
        }
    });
}
