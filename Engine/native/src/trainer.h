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

    void apply_update(double learning_rate);
};

}  // namespace gs

struct gs_trainer {
    gs::Trainer trainer;
};
