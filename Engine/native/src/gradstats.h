// Per-example gradient statistics from the layer structure (SCIENCE.md §1 and §3), never by a loop
// over examples.
#pragma once
#include "model.h"

namespace gs {

// δ_l = ∂(scalar)/∂z_l for every captured layer output. Rows of a batch are independent in every layer
// we support, so row i of δ_l is the gradient of example i's own term.
std::vector<torch::Tensor> output_grads(const torch::Tensor& scalar, const std::vector<Capture>& captures,
                                        bool retain_graph);

// Per-example gradients of a conv layer's weight and bias for R backward passes (deltas[r]: [B, out, H', W']),
// flattened: [B, R, out·in·k² + out], with G_{b,r} = δ_{b,r} U_bᵀ (U_b = im2col of example b's input).
// Examples are visited one at a time so U_b and G_b stay in cache (4× faster on CPU than one batched
// im2col + bmm, which streams hundreds of MB through memory).
torch::Tensor conv_per_example_grads(const Layer& layer, const torch::Tensor& input, const std::vector<torch::Tensor>& deltas);

// Calls visit(b, G_b) with example b's gradient [R, out·in·k² + out] (a reused buffer: copy to keep it).
void for_each_conv_example(const Layer& layer, const torch::Tensor& input, const std::vector<torch::Tensor>& deltas,
                           const std::function<void(int64_t, const torch::Tensor&)>& visit);

}  // namespace gs
