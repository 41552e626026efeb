// A sequential model held as plain tensors, so later statistics can reach every layer's input and
// output gradient (SCIENCE.md §1, §3) without module hooks.
#pragma once
#include <string>
#include <vector>

#include "gs_api.h"

namespace gs {

enum class LayerKind { Linear, Conv, BatchNorm, MaxPool, Flatten, Relu, Tanh, Sigmoid };

// BatchNorm constants, as torch.nn.BatchNorm2d.
constexpr double kBatchNormEps = 1e-5;
constexpr double kBatchNormMomentum = 0.1;

struct Layer {
    LayerKind kind;
    int64_t in = 0, out = 0, kernel = 0, stride = 1, pad = 0;
    bool frozen = false;
    torch::Tensor weight;  // defined for Linear, Conv and BatchNorm (γ)
    torch::Tensor bias;    // (β for BatchNorm)
    torch::Tensor running_mean, running_var;  // BatchNorm buffers
    bool has_parameters() const { return weight.defined(); }
};

// A parameterised layer's input a and output z in one forward pass: the ingredients of per-example
// gradients (δ = ∂L/∂z, then ∂L_i/∂W = δ_i a_iᵀ for linear layers, SCIENCE.md §1 and §3).
struct Capture {
    const Layer* layer;
    torch::Tensor input;
    torch::Tensor output;
};

// Dropout (SCIENCE.md §3, §6), set on a model only for the duration of a training step: masks come from the
// trainer's generator, so a resumed run draws exactly the masks an uninterrupted one would.
struct DropoutOption {
    double rate = 0.0;
    at::Generator* generator = nullptr;
};

struct Model {
    std::vector<Layer> layers;
    torch::Device device{torch::kCPU};
    torch::ScalarType dtype = torch::kFloat32;
    // Training mode: BatchNorm normalises with the batch's statistics and updates its running ones. Only a
    // training step runs in training mode; evaluation and every statistic use the running statistics.
    bool training = false;
    // Applied only when training: on the input of every linear layer that follows another linear layer, i.e.
    // after the activation of every hidden fully connected layer and never after the last layer.
    const DropoutOption* dropout = nullptr;

    torch::Tensor forward(const torch::Tensor& x) const { return forward(x, nullptr); }
    // With capture: records every linear/conv layer's input and output, and makes every output part of
    // the autograd graph (frozen layers included) so ∂L/∂z can be asked for.
    torch::Tensor forward(const torch::Tensor& x, std::vector<Capture>* capture) const;
    // Every parameter tensor in a fixed order: layer order, weight before bias.
    std::vector<torch::Tensor> parameters() const;
    std::vector<torch::Tensor> trainable_parameters() const;
    int64_t parameter_count(bool trainable_only) const;
    // BatchNorm running means and variances, in layer order (part of a trainer's state).
    std::vector<torch::Tensor> buffers() const;
    bool has_batch_norm() const;
};

std::vector<Layer> parse_layers(const std::string& text);
void initialise(Model& model, uint64_t seed, int32_t scheme);
torch::ScalarType to_scalar_type(int32_t dtype);
torch::Device parse_device(const char* text);

// Copies between a flat double array and a list of tensors (in order), for checkpoints and tests.
void read_flat(const std::vector<torch::Tensor>& tensors, double* values, int64_t count);
void write_flat(const std::vector<torch::Tensor>& tensors, const double* values, int64_t count);

}  // namespace gs

struct gs_model {
    std::shared_ptr<gs::Model> model;
};
