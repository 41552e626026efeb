// Penalties on the input and loss gradients (SCIENCE.md §5, MGS paper A.4), by double backpropagation.
#include "penalties.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "errors.h"

namespace gs {
namespace {

// ||∂L/∂θ||² over the trainable parameters (MGS paper A.4).
torch::Tensor grad_norm(const torch::Tensor& mean_loss, const std::vector<torch::Tensor>& params) {
    const auto grads = torch::autograd::grad({mean_loss}, params, {}, true, true, true);
    auto total = torch::zeros({}, mean_loss.options());
    for (const auto& g : grads)
        if (g.defined()) total = total + g.square().sum();
    return total;
}

// mean_i ||∂s_i/∂x_i||² for per-example scalars s (L_i for DataGrad, ε_i·f(x_i) for SpectReg, whose input
// gradient is ε_iᵀ ∂f(x_i)/∂x_i). Examples are independent unless BatchNorm normalises with batch statistics:
// then row i of ∂(Σ s)/∂x is not ∂s_i/∂x_i, and each example takes its own backward pass.
torch::Tensor input_grad_penalty(const Model& net, const torch::Tensor& s, const torch::Tensor& x) {
    const int64_t b = s.size(0);
    if (!(net.training && net.has_batch_norm())) {
        const auto gx = torch::autograd::grad({s.sum()}, {x}, {}, true, true)[0];
        return gx.square().sum() / static_cast<double>(b);
    }
    auto total = torch::zeros({}, s.options());
    for (int64_t i = 0; i < b; ++i) {
        const auto gx = torch::autograd::grad({s[i]}, {x}, {}, true, true)[0];
        total = total + gx[i].square().sum();
    }
    return total / static_cast<double>(b);
}

}  // namespace

PenaltyTerms penalty_terms(const Model& net, const Batch& batch, const Data& data, const PenaltyWeights& weights,
                           const torch::Tensor& epsilon, at::Generator* generator) {
    const bool trace = weights[GS_PENALTY_MGS_TRACE] > 0, log_det = weights[GS_PENALTY_MGS_LOGDET] > 0;
    const bool datagrad = weights[GS_PENALTY_DATAGRAD] > 0, spectreg = weights[GS_PENALTY_SPECTREG] > 0;
    require(!(trace || log_det) || !net.has_batch_norm(),
            "the MGS penalties need independent examples; this model has BatchNorm layers");
    // The input-gradient penalties differentiate with respect to x; a detached copy keeps the data untouched.
    const auto x = (datagrad || spectreg) ? batch.x.detach().requires_grad_(true) : batch.x;
    std::vector<Capture> captures;
    const auto output = net.forward(x, (trace || log_det) ? &captures : nullptr);
    const auto losses = per_example_loss(output, batch, data);
    PenaltyTerms terms;
    terms.mean_loss = losses.mean();
    if (weights[GS_PENALTY_GRAD_NORM] > 0) terms.penalty[GS_PENALTY_GRAD_NORM] = grad_norm(terms.mean_loss, net.trainable_parameters());
    if (datagrad) terms.penalty[GS_PENALTY_DATAGRAD] = input_grad_penalty(net, losses, x);
    if (spectreg) {
        require(output.dim() == 2, "SpectReg needs outputs of shape [batch, outputs]");
        auto eps = epsilon;
        if (!eps.defined()) {
            require(generator != nullptr, "SpectReg needs a generator or an explicit ε");
            // Drawn on the CPU in float64, then moved: the same ε on every device and precision.
            eps = torch::randn(output.sizes(), *generator, torch::kFloat64);
        }
        require(eps.sizes() == output.sizes(), "ε must have one value per example and output");
        const auto projected = (eps.to(output.device(), output.scalar_type()) * output).sum(1);
        terms.penalty[GS_PENALTY_SPECTREG] = input_grad_penalty(net, projected, x);
    }
    if (trace || log_det) {
        const auto mgs = mgs_penalties(output, captures, trace, log_det);
        terms.penalty[GS_PENALTY_MGS_TRACE] = mgs.trace;
        terms.penalty[GS_PENALTY_MGS_LOGDET] = mgs.log_det;
    }
    return terms;
}

}  // namespace gs

extern "C" int32_t gs_penalty(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, int32_t kind,
                              const double* epsilon, int64_t epsilon_count, uint64_t seed, double* value, double* grad,
                              int64_t count) {
    return gs::guard("gs_penalty", [&] {
        gs::require(model != nullptr && data != nullptr && value != nullptr && grad != nullptr, "null argument");
        gs::require(kind >= 0 && kind < gs::kPenaltyKinds, "unknown penalty kind " + std::to_string(kind));
        const auto& net = *model->model;
        gs::PenaltyWeights weights{};
        weights[kind] = 1.0;
        auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
        gs::for_each_chunk(data->data, idx, n_idx, std::numeric_limits<int64_t>::max(), [&](const gs::Batch& batch) {
            torch::Tensor eps;
            if (epsilon != nullptr) {
                const auto k = epsilon_count / batch.count();
                gs::require(epsilon_count == batch.count() * k && k > 0, "ε must hold b·k values");
                eps = torch::from_blob(const_cast<double*>(epsilon), {batch.count(), k}, torch::kFloat64).clone();
            }
            const auto terms = gs::penalty_terms(net, batch, data->data, weights, eps, &generator);
            const auto p = terms.penalty[kind];
            *value = p.to(torch::kFloat64).item<double>();
            const auto params = net.parameters();
            std::vector<torch::Tensor> wrt, out;
            for (const auto& t : params) if (t.requires_grad()) wrt.push_back(t);
            const auto grads = wrt.empty() ? std::vector<torch::Tensor>{} : torch::autograd::grad({p}, wrt, {}, false, false, true);
            size_t next = 0;
            for (const auto& t : params) {
                if (!t.requires_grad()) { out.push_back(torch::zeros_like(t)); continue; }
                const auto& g = grads[next++];
                out.push_back(g.defined() ? g : torch::zeros_like(t));
            }
            gs::read_flat(out, grad, count);
        });
    });
}
