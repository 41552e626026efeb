// Winsorized gradient (SCIENCE.md §4): per parameter j, the batch's per-example gradients g_ij clipped to
// [l_j, u_j] (the (c+1)-th smallest and largest of them) and averaged. Per-example gradients come from the
// layer structure (linear: g_i = δ_i a_iᵀ; conv: δ_i U_iᵀ), never from a loop of backward passes.
#include "errors.h"
#include "gradstats.h"
#include "penalties.h"

namespace gs {
namespace {

// Linear-layer per-example gradients are formed a block of output rows at a time, at most this many values.
constexpr int64_t kBlockValues = int64_t{4} << 20;

// columns: [M, b], parameter j's b per-example values in row j (contiguous, so each sort is one short
// contiguous run) → the winsorized mean of each row, [M]. After sorting S_0 ≤ … ≤ S_{b−1}, the c lowest
// become S_c and the c highest S_{b−1−c}, the rest stay: mean = (c·S_c + Σ_{r=c}^{b−1−c} S_r + c·S_{b−1−c}) / b.
torch::Tensor winsorized_mean(const torch::Tensor& columns, int64_t c) {
    const int64_t b = columns.size(1);
    const auto sorted = std::get<0>(columns.sort(1));
    const auto middle = sorted.narrow(1, c, b - 2 * c).sum(1);
    return (middle + static_cast<double>(c) * (sorted.select(1, c) + sorted.select(1, b - 1 - c))) / static_cast<double>(b);
}

torch::Tensor linear_weight(const torch::Tensor& a, const torch::Tensor& d, int64_t c) {
    const int64_t b = a.size(0), in = a.size(1), out = d.size(1);
    auto result = torch::empty({out, in}, a.options());
    const auto at = a.t().contiguous();  // [in, b]
    const int64_t block = std::max<int64_t>(1, kBlockValues / std::max<int64_t>(1, b * in));
    for (int64_t r = 0; r < out; r += block) {
        const int64_t rows = std::min(block, out - r);
        // [rows, in, b]: element (o, m, i) = δ_io a_im, example i's gradient of W_om
        const auto g = d.narrow(1, r, rows).t().contiguous().unsqueeze(1) * at.unsqueeze(0);
        result.narrow(0, r, rows).copy_(winsorized_mean(g.reshape({rows * in, b}), c).view({rows, in}));
    }
    return result;
}

}  // namespace

double winsorized_gradients(const Model& net, const Batch& batch, const Data& data, int64_t c) {
    require(!net.has_batch_norm(), "winsorized gradients need independent examples; this model has BatchNorm layers");
    const int64_t b = batch.count();
    require(b >= 2 * c + 1, "winsorize c = " + std::to_string(c) + " needs batches of at least 2c+1 = " +
                                std::to_string(2 * c + 1) + " examples, got " + std::to_string(b));
    std::vector<Capture> captures;
    const auto losses = per_example_loss(net.forward(batch.x, &captures), batch, data);
    const double mean_loss = losses.mean().to(torch::kFloat64).item<double>();
    // δ_l = ∂(Σ_i L_i)/∂z_l: row i is example i's own ∂L_i/∂z_l (examples are independent without BatchNorm).
    const auto deltas = output_grads(losses.sum(), captures, false);
    torch::NoGradGuard no_grad;
    for (size_t l = 0; l < captures.size(); ++l) {
        const auto& layer = *captures[l].layer;
        if (layer.frozen) continue;
        const auto a = captures[l].input.detach();
        auto& weight = const_cast<torch::Tensor&>(layer.weight);
        auto& bias = const_cast<torch::Tensor&>(layer.bias);
        if (layer.kind == LayerKind::Linear) {
            weight.mutable_grad() = linear_weight(a, deltas[l], c);
            bias.mutable_grad() = winsorized_mean(deltas[l].t().contiguous(), c);
            continue;
        }
        // Conv: the layer's per-example gradients [b, out·in·k² + out] at once (one layer, not the model).
        const auto g = conv_per_example_grads(layer, a, {deltas[l]}).select(1, 0);
        const auto mean = winsorized_mean(g.t().contiguous(), c);
        weight.mutable_grad() = mean.narrow(0, 0, weight.numel()).view(weight.sizes()).clone();
        bias.mutable_grad() = mean.narrow(0, weight.numel(), bias.numel()).clone();
    }
    return mean_loss;
}

}  // namespace gs
