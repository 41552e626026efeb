#include "trainer.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "data.h"
#include "errors.h"
#include "penalties.h"

namespace gs {

void Trainer::apply_update(double lr) {
    torch::NoGradGuard no_grad;
    const auto params = model->trainable_parameters();
    ++step;
    for (size_t i = 0; i < params.size(); ++i) {
        auto& p = const_cast<torch::Tensor&>(params[i]);
        auto g = p.grad();
        if (!g.defined()) g = torch::zeros_like(p);
        if (config.weight_decay != 0.0) g = g + config.weight_decay * p;
        if (config.kind == GS_OPT_SGD) {
            if (config.momentum != 0.0) {
                momentum[i].mul_(config.momentum).add_(g);  // PyTorch convention: v ← μv + g
                p.sub_(lr * momentum[i]);
            } else {
                p.sub_(lr * g);
            }
        } else {
            // Kingma & Ba (2015), bias-corrected moments.
            momentum[i].mul_(config.beta1).add_((1.0 - config.beta1) * g);
            second[i].mul_(config.beta2).add_((1.0 - config.beta2) * g * g);
            const double c1 = 1.0 - std::pow(config.beta1, static_cast<double>(step));
            const double c2 = 1.0 - std::pow(config.beta2, static_cast<double>(step));
            p.sub_(lr * (momentum[i] / c1) / ((second[i] / c2).sqrt() + config.eps));
        }
        p.mutable_grad() = torch::Tensor();
    }
}

namespace {

constexpr uint32_t kStateMagic = 0x52545347;  // "GSTR"
constexpr uint32_t kStateVersion = 1;

std::vector<torch::Tensor> state_tensors(const Trainer& t) {
    auto all = t.model->parameters();
    const auto buffers = t.model->buffers();
    all.insert(all.end(), buffers.begin(), buffers.end());
    all.insert(all.end(), t.momentum.begin(), t.momentum.end());
    all.insert(all.end(), t.second.begin(), t.second.end());
    return all;
}

struct Writer {
    uint8_t* out;
    int64_t capacity, used = 0;
    void bytes(const void* p, int64_t n) {
        if (out != nullptr) {
            require(used + n <= capacity, "state buffer too small");
            std::memcpy(out + used, p, n);
        }
        used += n;
    }
    template <class T> void value(T v) { bytes(&v, sizeof v); }
};

struct Reader {
    const uint8_t* in;
    int64_t length, used = 0;
    void bytes(void* p, int64_t n) {
        if (used + n > length) throw StateError("state is truncated");
        std::memcpy(p, in + used, n);
        used += n;
    }
    template <class T> T value() { T v; bytes(&v, sizeof v); return v; }
};

// Layout: magic, version, dtype, step, tensor count, then per tensor (numel, raw values in the model
// dtype), then the generator state (length, bytes). The managed side adds its own header and SHA-256.
void write_state(const Trainer& t, Writer& w) {
    w.value(kStateMagic);
    w.value(kStateVersion);
    w.value<int32_t>(t.model->dtype == torch::kFloat64 ? GS_FLOAT64 : GS_FLOAT32);
    w.value(t.step);
    const auto tensors = state_tensors(t);
    w.value<int64_t>(static_cast<int64_t>(tensors.size()));
    for (const auto& tensor : tensors) {
        const auto host = tensor.detach().to(torch::kCPU).contiguous();
        w.value<int64_t>(host.numel());
        w.bytes(host.data_ptr(), host.numel() * static_cast<int64_t>(host.element_size()));
    }
    const auto gen = t.generator.get_state();
    w.value<int64_t>(gen.numel());
    w.bytes(gen.data_ptr(), gen.numel());
}

void read_state(Trainer& t, Reader& r) {
    if (r.value<uint32_t>() != kStateMagic) throw StateError("not a trainer state (bad magic)");
    if (r.value<uint32_t>() != kStateVersion) throw StateError("unsupported trainer state version");
    const int32_t dtype = r.value<int32_t>();
    if (to_scalar_type(dtype) != t.model->dtype) throw StateError("state dtype differs from the model's");
    const auto step = r.value<int64_t>();
    const auto tensors = state_tensors(t);
    if (r.value<int64_t>() != static_cast<int64_t>(tensors.size()))
        throw StateError("state holds a different number of tensors than this model and optimiser");
    // Read and check everything before touching the trainer: a bad state leaves it as it was.
    std::vector<torch::Tensor> staged;
    for (const auto& tensor : tensors) {
        if (r.value<int64_t>() != tensor.numel()) throw StateError("state tensor size differs from the model's");
        auto host = torch::empty(tensor.sizes(), torch::TensorOptions().dtype(tensor.scalar_type()));
        r.bytes(host.data_ptr(), host.numel() * static_cast<int64_t>(host.element_size()));
        staged.push_back(host);
    }
    const auto gen_len = r.value<int64_t>();
    if (gen_len < 0) throw StateError("negative generator state length");
    auto gen = torch::empty({gen_len}, torch::kUInt8);
    r.bytes(gen.data_ptr(), gen_len);
    if (r.used != r.length) throw StateError("state has trailing bytes");
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < tensors.size(); ++i) const_cast<torch::Tensor&>(tensors[i]).copy_(staged[i]);
    t.generator.set_state(gen);
    t.step = step;
}

}  // namespace
}  // namespace gs

extern "C" int32_t gs_trainer_create(gs_model* model, const gs_optimizer_config* config, uint64_t seed,
                                     gs_trainer** out) {
    return gs::guard("gs_trainer_create", [&] {
        gs::require(model != nullptr && config != nullptr && out != nullptr, "null argument");
        gs::require(config->kind == GS_OPT_SGD || config->kind == GS_OPT_ADAM, "unknown optimiser kind");
        gs::require(config->momentum >= 0.0 && config->momentum < 1.0, "momentum must lie in [0, 1)");
        gs::require(config->kind != GS_OPT_ADAM ||
                        (config->beta1 >= 0 && config->beta1 < 1 && config->beta2 >= 0 && config->beta2 < 1 &&
                         config->eps > 0),
                    "Adam needs beta1, beta2 in [0,1) and eps > 0");
        auto trainer = std::make_unique<gs_trainer>();
        auto& t = trainer->trainer;
        t.model = model->model;
        t.config = *config;
        for (const auto& p : t.model->trainable_parameters()) {
            if (config->kind == GS_OPT_ADAM || config->momentum != 0.0) t.momentum.push_back(torch::zeros_like(p));
            if (config->kind == GS_OPT_ADAM) t.second.push_back(torch::zeros_like(p));
        }
        t.generator = at::make_generator<at::CPUGeneratorImpl>(seed);
        *out = trainer.release();
    });
}

extern "C" void gs_trainer_free(gs_trainer* trainer) { delete trainer; }

namespace gs {
namespace {

// The model in training mode (batch statistics, dropout from the trainer's generator) for one step only.
struct TrainingMode {
    Model& model;
    TrainingMode(Trainer& t) : model(*t.model) {
        t.dropout = {t.regularizers.dropout, &t.generator};
        model.training = true;
        model.dropout = &t.dropout;
    }
    ~TrainingMode() {
        model.training = false;
        model.dropout = nullptr;
    }
};

PenaltyWeights weights_of(const gs_regularizer_config& r) {
    PenaltyWeights w{};
    w[GS_PENALTY_GRAD_NORM] = r.grad_norm;
    w[GS_PENALTY_MGS_TRACE] = r.mgs_trace;
    w[GS_PENALTY_MGS_LOGDET] = r.mgs_logdet;
    w[GS_PENALTY_DATAGRAD] = r.datagrad;
    w[GS_PENALTY_SPECTREG] = r.spectreg;
    return w;
}

// Penalised objective mean loss + Σ λP on the whole batch in one piece; its exact gradient goes to .grad.
double penalty_gradients(Trainer& t, const Data& data, const int64_t* idx, int64_t n_idx) {
    double mean_loss = 0.0;
    for_each_chunk(data, idx, n_idx, std::numeric_limits<int64_t>::max(), [&](const Batch& batch) {
        const auto weights = weights_of(t.regularizers);
        const auto terms = penalty_terms(*t.model, batch, data, weights, torch::Tensor(), &t.generator);
        auto objective = terms.mean_loss;
        for (int p = 0; p < kPenaltyKinds; ++p)
            if (weights[p] > 0) objective = objective + weights[p] * terms.penalty[p].to(objective.scalar_type());
        mean_loss = terms.mean_loss.to(torch::kFloat64).item<double>();
        const double total = objective.to(torch::kFloat64).item<double>();
        if (!std::isfinite(total) && std::isfinite(mean_loss))
            throw DivergedError("the penalised objective is " + std::to_string(total) + " at update " + std::to_string(t.step));
        const auto params = t.model->trainable_parameters();
        if (params.empty()) return;
        const auto grads = torch::autograd::grad({objective}, params, {}, false, false, true);
        for (size_t i = 0; i < params.size(); ++i)
            const_cast<torch::Tensor&>(params[i]).mutable_grad() = grads[i].defined() ? grads[i] : torch::zeros_like(params[i]);
    });
    return mean_loss;
}

// The plain mean-loss gradient. Chunks accumulate ∂(Σ_chunk L_i / n)/∂θ into .grad, in bounded memory;
// BatchNorm mixes the examples of a batch, so a model with it takes the whole batch in one piece.
double plain_gradients(Trainer& t, const Data& data, const int64_t* idx, int64_t n_idx, int64_t n) {
    double loss_sum = 0.0;
    const int64_t chunk = t.model->has_batch_norm() ? std::max<int64_t>(n, 1) : kChunkExamples;
    for_each_chunk(data, idx, n_idx, chunk, [&](const Batch& batch) {
        const auto sum = per_example_loss(t.model->forward(batch.x), batch, data).sum();
        loss_sum += sum.to(torch::kFloat64).item<double>();
        if (sum.requires_grad()) (sum / static_cast<double>(n)).backward();
    });
    return loss_sum / static_cast<double>(n);
}

double step_gradients(Trainer& t, const Data& data, const int64_t* idx, int64_t n_idx, int64_t n) {
    TrainingMode mode(t);
    if (t.any_penalty()) return penalty_gradients(t, data, idx, n_idx);
    if (t.regularizers.winsorize == 0) return plain_gradients(t, data, idx, n_idx, n);
    double mean_loss = 0.0;
    for_each_chunk(data, idx, n_idx, std::numeric_limits<int64_t>::max(), [&](const Batch& batch) {
        mean_loss = winsorized_gradients(*t.model, batch, data, t.regularizers.winsorize);
    });
    return mean_loss;
}

void clear_gradients(const Trainer& t) {
    for (const auto& p : t.model->trainable_parameters()) const_cast<torch::Tensor&>(p).mutable_grad() = torch::Tensor();
}

}  // namespace

bool Trainer::any_penalty() const {
    const auto& r = regularizers;
    return r.grad_norm > 0 || r.mgs_trace > 0 || r.mgs_logdet > 0 || r.datagrad > 0 || r.spectreg > 0;
}

}  // namespace gs

extern "C" int32_t gs_trainer_step(gs_trainer* trainer, gs_data* data, const int64_t* idx, int64_t n_idx,
                                   double learning_rate, double* loss_before) {
    return gs::guard("gs_trainer_step", [&] {
        gs::require(trainer != nullptr && data != nullptr && loss_before != nullptr, "null argument");
        gs::require(std::isfinite(learning_rate) && learning_rate >= 0, "learning rate must be finite and >= 0");
        auto& t = trainer->trainer;
        const int64_t n = idx == nullptr ? data->data.count() : n_idx;
        try {
            *loss_before = gs::step_gradients(t, data->data, idx, n_idx, n);
        } catch (...) {
            gs::clear_gradients(t);
            throw;
        }
        if (!std::isfinite(*loss_before)) {
            gs::clear_gradients(t);
            throw gs::DivergedError("the mean training loss is " + std::to_string(*loss_before) + " at update " +
                                    std::to_string(t.step));
        }
        t.apply_update(learning_rate);
    });
}

extern "C" int32_t gs_trainer_set_regularizers(gs_trainer* trainer, const gs_regularizer_config* config) {
    return gs::guard("gs_trainer_set_regularizers", [&] {
        gs::require(trainer != nullptr && config != nullptr, "null argument");
        const auto& c = *config;
        gs::require(c.dropout >= 0 && c.dropout < 1, "dropout must lie in [0, 1)");
        for (double w : {c.grad_norm, c.mgs_trace, c.mgs_logdet, c.datagrad, c.spectreg})
            gs::require(std::isfinite(w) && w >= 0, "penalty weights must be finite and >= 0");
        gs::require(c.winsorize >= 0, "winsorize c must be >= 0");
        auto& t = trainer->trainer;
        const bool penalty = c.grad_norm > 0 || c.mgs_trace > 0 || c.mgs_logdet > 0 || c.datagrad > 0 || c.spectreg > 0;
        gs::require(c.winsorize == 0 || !penalty, "winsorized gradients do not combine with penalties");
        gs::require(!t.model->has_batch_norm() || (c.winsorize == 0 && c.mgs_trace == 0 && c.mgs_logdet == 0),
                    "the MGS penalties and winsorized gradients need independent examples; this model has BatchNorm layers");
        t.regularizers = c;
    });
}

extern "C" int32_t gs_trainer_state_size(gs_trainer* trainer, int64_t* bytes) {
    return gs::guard("gs_trainer_state_size", [&] {
        gs::require(trainer != nullptr && bytes != nullptr, "null argument");
        gs::Writer w{nullptr, 0};
        gs::write_state(trainer->trainer, w);
        *bytes = w.used;
    });
}

extern "C" int32_t gs_trainer_state_save(gs_trainer* trainer, uint8_t* buffer, int64_t capacity) {
    return gs::guard("gs_trainer_state_save", [&] {
        gs::require(trainer != nullptr && buffer != nullptr, "null argument");
        gs::Writer w{buffer, capacity};
        gs::write_state(trainer->trainer, w);
    });
}

extern "C" int32_t gs_trainer_state_load(gs_trainer* trainer, const uint8_t* buffer, int64_t length) {
    return gs::guard("gs_trainer_state_load", [&] {
        gs::require(trainer != nullptr && buffer != nullptr, "null argument");
        gs::Reader r{buffer, length};
        gs::read_state(trainer->trainer, r);
    });
}
