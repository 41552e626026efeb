// Differentiable regularisation penalties (SCIENCE.md §3, §5) and winsorized gradients (§4).
#pragma once
#include <array>

#include "data.h"
#include "model.h"

namespace gs {

constexpr int kPenaltyKinds = 5;  // gs_penalty_kind
using PenaltyWeights = std::array<double, kPenaltyKinds>;

// The batch's mean loss and each penalty P with a weight > 0 (undefined otherwise), all in the autograd
// graph of the trainable parameters (built with create_graph), so ∂(mean + Σ λP)/∂θ is exact.
// The whole batch is one piece; the model's mode (training, dropout) is the caller's.
// SpectReg's ε ([b, k]): `epsilon` when defined, else drawn N(0, 1) from `generator` after the forward pass.
struct PenaltyTerms {
    torch::Tensor mean_loss;
    std::array<torch::Tensor, kPenaltyKinds> penalty;
};
PenaltyTerms penalty_terms(const Model& net, const Batch& batch, const Data& data, const PenaltyWeights& weights,
                           const torch::Tensor& epsilon, at::Generator* generator);

// trace(K)/(b·k) and log det(K)/(b·k) of the exact MGS kernel (mgs_penalty.cpp); `captures` from the forward
// that produced `output`. Each result is undefined unless asked for.
struct MgsPenalties {
    torch::Tensor trace, log_det;
};
MgsPenalties mgs_penalties(const torch::Tensor& output, const std::vector<Capture>& captures, bool trace, bool log_det);

// Winsorized SGD gradient (winsorize.cpp): stores in every trainable parameter's .grad the mean over the batch
// of its per-example gradients clipped to [(c+1)-th smallest, (c+1)-th largest]; returns the mean loss.
double winsorized_gradients(const Model& net, const Batch& batch, const Data& data, int64_t c);

}  // namespace gs
