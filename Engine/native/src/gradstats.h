// Per-example gradient statistics from the layer structure (SCIENCE.md §1 and §3), never by a loop
// over examples.
#pragma once
#include "model.h"

namespace gs {

// δ_l = ∂(scalar)/∂z_l for every captured layer output. Rows of a batch are independent in every layer
// we support, so row i of δ_l is the gradient of example i's own term.
std::vector<torch::Tensor> output_grads(const torch::Tensor& scalar, const std::vector<Capture>& captures,
                                        bool retain_graph);

// Per-example gradients of a conv layer for R backward passes (deltas[r]: [B, out, H', W']), with
// G_{b,r} = δ_{b,r} U_bᵀ (U_b = im2col of example b's input). Examples go in small groups so U and G stay
// in cache and each torch call covers many examples (one batched im2col + bmm over all B streams
// hundreds of MB through memory and is about 4× slower on CPU).
// visit(thread, start, weight [g, R, out·in·k²], bias [g, R, out]) for the groups of g examples, called
// concurrently from libtorch's threads (thread = at::get_thread_num()); each group exactly once.
void for_each_conv_group(const Layer& layer, const torch::Tensor& input, const std::vector<torch::Tensor>& deltas,
                         const std::function<void(int, int64_t, const torch::Tensor&, const torch::Tensor&)>& visit);

// Per-example gradients of a BatchNorm layer in evaluation mode, [B, 2C] (γ then β): y = γ x̂ + β with
// x̂ = (x − running mean)/√(running var + ε), so ∂L_i/∂γ_c = Σ_positions δ_i x̂_i and ∂L_i/∂β_c = Σ_positions δ_i.
torch::Tensor batchnorm_per_example_grads(const Layer& layer, const torch::Tensor& input, const torch::Tensor& delta);

// The same, gathered: [B, R, out·in·k² + out] (weight then bias).
torch::Tensor conv_per_example_grads(const Layer& layer, const torch::Tensor& input, const std::vector<torch::Tensor>& deltas);

}  // namespace gs
