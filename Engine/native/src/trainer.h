// Optimisers written on plain tensors (SGD with momentum, Adam) so their state is ours to serialise
// bit for bit, identical across libtorch versions.
#pragma once
#include "model.h"

namespace gs {

struct Trainer {
    std::shared_ptr<Model> model;
    gs_optimizer_config config{};
    std::vector<torch::Tensor> momentum;  // SGD velocity, or Adam first moment, per trainable parameter
    std::vector<torch::Tensor> second;    // Adam second moment
    int64_t step = 0;
    at::Generator generator;  // for stochastic regularisers (dropout, SpectReg); saved in the state
    gs_regularizer_config regularizers{};  // none unless gs_trainer_set_regularizers; not part of the state
    DropoutOption dropout;                 // points at `generator` while a step runs

    bool any_penalty() const;

    void apply_update(double learning_rate);
};

}  // namespace gs

struct gs_trainer {
    gs::Trainer trainer;
};
