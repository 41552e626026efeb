// Per-example gradient statistics from the layer structure (SCIENCE.md §1 and §3), never by a loop
// over examples.
#pragma once
#include "model.h"

namespace gs {

// δ_l = ∂(scalar)/∂z_l for every captured layer output. Rows of a batch are independent in every layer
// we support, so row i of δ_l is the gradient of example i's own term.
std::vector<torch::Tensor> output_grads(const torch::Tensor& scalar, const std::vector<Capture>& captures,
                                        bool retain_graph);

// Per-example gradients of a conv layer's weight and bias, flattened: [B, out·in·k·k + out], from the
// layer input a (unfolded, im2col) and δ: G_i = δ_i U_iᵀ.
torch::Tensor conv_per_example_grads(const Layer& layer, const torch::Tensor& input, const torch::Tensor& delta);

}  // namespace gs
