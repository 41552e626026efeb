// Fused per-example moments of a conv layer on CPU (SCIENCE.md §1): for each example b,
// G_b = δ_b U_bᵀ (U_b = im2col of b's input) is formed in a cache-resident buffer and folded at once into
// Σ_b G_b, Σ_b G_b², #[G_b > 0] and #[G_b < 0]. Nothing per-example outlives one example, so memory is
// O(threads · (in·k²·L + parameters)) whatever the batch.
#pragma once
#include "model.h"

namespace gs {

// Sums over the batch, in float64, laid out weight (out·in·k²) then bias (out).
struct ConvSums {
    torch::Tensor sum, square, positive, negative;
};

// Adds the batch's sums into `sums` (float64 CPU tensors of out·in·k² + out values). input [B, in, H, W],
// delta [B, out, H', W'], both CPU, float32 or float64. The batch is split into one contiguous range per
// libtorch thread and ranges are added in order: the result depends on the thread count, never on timing.
void add_conv_moments(const Layer& layer, const torch::Tensor& input, const torch::Tensor& delta, bool signs,
                      ConvSums& sums);

}  // namespace gs
