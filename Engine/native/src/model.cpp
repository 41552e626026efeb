#include "model.h"

#include <torch/cuda.h>

#include <cmath>
#include <random>

#include "errors.h"
#include "runtime.h"

namespace gs {

namespace {

// Inverted dropout: keep each unit with probability 1 − r and scale it by 1/(1 − r), so the expected
// activation is unchanged and evaluation needs no rescaling. Drawn on the CPU (the trainer's generator
// lives there) and moved, so CPU and CUDA runs draw the same masks.
torch::Tensor apply_dropout(const torch::Tensor& x, const DropoutOption& option) {
    require(option.generator != nullptr, "dropout needs the trainer's generator");
    auto mask = torch::empty(x.sizes(), torch::kFloat64);
    mask.bernoulli_(1.0 - option.rate, *option.generator);
    mask.div_(1.0 - option.rate);
    return x * mask.to(x.device(), x.scalar_type());
}

}  // namespace

torch::Tensor Model::forward(const torch::Tensor& input, std::vector<Capture>* capture) const {
    // Capture needs every layer output in the autograd graph. A trainable first layer puts them there;
    // only when the first layer with weights is frozen must the input itself require a gradient.
    const auto first = std::find_if(layers.begin(), layers.end(), [](const Layer& l) { return l.has_parameters(); });
    // (An input that already requires a gradient, as for the input-gradient penalties, is kept as it is.)
    const bool input_needs_grad = capture != nullptr && first != layers.end() && first->frozen && !input.requires_grad();
    torch::Tensor x = input_needs_grad ? input.detach().requires_grad_(true) : input;
    const bool drop = training && dropout != nullptr && dropout->rate > 0.0;
    bool after_linear = false;
    for (const auto& layer : layers) {
        if (drop && after_linear && layer.kind == LayerKind::Linear) x = apply_dropout(x, *dropout);
        if (layer.kind == LayerKind::Linear) after_linear = true;
        const torch::Tensor layer_input = x;
        switch (layer.kind) {
            case LayerKind::Linear: x = torch::linear(x, layer.weight, layer.bias); break;
            case LayerKind::Conv:
                x = torch::conv2d(x, layer.weight, layer.bias, {layer.stride, layer.stride}, {layer.pad, layer.pad});
                break;
            case LayerKind::BatchNorm:
                x = torch::batch_norm(x, layer.weight, layer.bias, layer.running_mean, layer.running_var, training,
                                      kBatchNormMomentum, kBatchNormEps, false);
                break;
            case LayerKind::MaxPool: x = torch::max_pool2d(x, {layer.kernel, layer.kernel}); break;
            case LayerKind::Flatten: x = x.flatten(1); break;
            case LayerKind::Relu: x = torch::relu(x); break;
            case LayerKind::Tanh: x = torch::tanh(x); break;
            case LayerKind::Sigmoid: x = torch::sigmoid(x); break;
        }
        if (capture != nullptr && layer.has_parameters()) capture->push_back({&layer, layer_input, x});
    }
    return x;
}

std::vector<torch::Tensor> Model::parameters() const {
    std::vector<torch::Tensor> out;
    for (const auto& layer : layers) {
        if (!layer.has_parameters()) continue;
        out.push_back(layer.weight);
        out.push_back(layer.bias);
    }
    return out;
}

std::vector<torch::Tensor> Model::trainable_parameters() const {
    std::vector<torch::Tensor> out;
    for (const auto& layer : layers) {
        if (!layer.has_parameters() || layer.frozen) continue;
        out.push_back(layer.weight);
        out.push_back(layer.bias);
    }
    return out;
}

std::vector<torch::Tensor> Model::buffers() const {
    std::vector<torch::Tensor> out;
    for (const auto& layer : layers) {
        if (layer.kind != LayerKind::BatchNorm) continue;
        out.push_back(layer.running_mean);
        out.push_back(layer.running_var);
    }
    return out;
}

bool Model::has_batch_norm() const {
    return std::any_of(layers.begin(), layers.end(), [](const Layer& l) { return l.kind == LayerKind::BatchNorm; });
}

int64_t Model::parameter_count(bool trainable_only) const {
    int64_t total = 0;
    for (const auto& p : trainable_only ? trainable_parameters() : parameters()) total += p.numel();
    return total;
}

torch::ScalarType to_scalar_type(int32_t dtype) {
    require(dtype == GS_FLOAT32 || dtype == GS_FLOAT64, "dtype must be 0 (float32) or 1 (float64)");
    return dtype == GS_FLOAT64 ? torch::kFloat64 : torch::kFloat32;
}

torch::Device parse_device(const char* text) {
    require(text != nullptr, "device is null");
    const std::string s(text);
    require(s == "cpu" || s.rfind("cuda", 0) == 0, "unknown device '" + s + "' (expected cpu, cuda or cuda:i)");
    torch::Device device(s);
    if (device.is_cuda()) {
        const int64_t count = torch::cuda::is_available() ? static_cast<int64_t>(torch::cuda::device_count()) : 0;
        require(count > 0, "device '" + s + "' requested but CUDA is not available to this libtorch");
        require(!device.has_index() || device.index() < count,
                "device '" + s + "' does not exist (" + std::to_string(count) + " CUDA devices)");
    }
    return device;
}

namespace {

// Portable uniform draws: mt19937_64's output sequence is fixed by the C++ standard, and the
// conversion to [0,1) is ours, so θ0 is identical on every platform and libtorch version.
struct PortableUniform {
    std::mt19937_64 engine;
    explicit PortableUniform(uint64_t seed) : engine(seed) {}
    double next(double bound) {
        const double unit = static_cast<double>(engine() >> 11) * 0x1.0p-53;
        return (2.0 * unit - 1.0) * bound;
    }
};

torch::Tensor uniform(PortableUniform& rng, std::vector<int64_t> shape, double bound, const Model& model) {
    auto host = torch::empty(shape, torch::kFloat64);
    auto* p = host.data_ptr<double>();
    for (int64_t i = 0; i < host.numel(); ++i) p[i] = rng.next(bound);
    return host.to(model.device, model.dtype);
}

}  // namespace

void initialise(Model& model, uint64_t seed, int32_t scheme) {
    require(scheme == GS_INIT_PYTORCH || scheme == GS_INIT_XAVIER, "init must be 0 (pytorch) or 1 (xavier)");
    PortableUniform rng(seed);
    const auto options = torch::TensorOptions().dtype(model.dtype).device(model.device);
    for (auto& layer : model.layers) {
        if (layer.kind == LayerKind::BatchNorm) {
            // torch.nn.BatchNorm2d defaults: γ = 1, β = 0, running mean 0 and variance 1.
            layer.weight = torch::ones({layer.out}, options).set_requires_grad(!layer.frozen);
            layer.bias = torch::zeros({layer.out}, options).set_requires_grad(!layer.frozen);
            layer.running_mean = torch::zeros({layer.out}, options);
            layer.running_var = torch::ones({layer.out}, options);
            continue;
        }
        if (layer.kind != LayerKind::Linear && layer.kind != LayerKind::Conv) continue;
        const int64_t area = layer.kind == LayerKind::Conv ? layer.kernel * layer.kernel : 1;
        const double fan_in = static_cast<double>(layer.in * area);
        const double fan_out = static_cast<double>(layer.out * area);
        std::vector<int64_t> shape = {layer.out, layer.in};
        if (layer.kind == LayerKind::Conv) shape = {layer.out, layer.in, layer.kernel, layer.kernel};
        if (scheme == GS_INIT_PYTORCH) {
            // torch.nn default: kaiming_uniform(a=sqrt(5)) ⇒ bound 1/sqrt(fan_in), bias the same.
            const double bound = 1.0 / std::sqrt(fan_in);
            layer.weight = uniform(rng, shape, bound, model);
            layer.bias = uniform(rng, {layer.out}, bound, model);
        } else {
            // Glorot & Bengio (2010): U(±sqrt(6/(fan_in+fan_out))), zero bias.
            layer.weight = uniform(rng, shape, std::sqrt(6.0 / (fan_in + fan_out)), model);
            layer.bias = torch::zeros({layer.out}, torch::TensorOptions().dtype(model.dtype).device(model.device));
        }
        layer.weight.set_requires_grad(!layer.frozen);
        layer.bias.set_requires_grad(!layer.frozen);
    }
}

void read_flat(const std::vector<torch::Tensor>& tensors, double* values, int64_t count) {
    int64_t total = 0;
    for (const auto& t : tensors) total += t.numel();
    require(count == total, "expected " + std::to_string(total) + " values, got " + std::to_string(count));
    int64_t offset = 0;
    for (const auto& t : tensors) {
        auto host = t.detach().to(torch::kCPU, torch::kFloat64).contiguous();
        std::memcpy(values + offset, host.data_ptr<double>(), sizeof(double) * host.numel());
        offset += host.numel();
    }
}

void write_flat(const std::vector<torch::Tensor>& tensors, const double* values, int64_t count) {
    int64_t total = 0;
    for (const auto& t : tensors) total += t.numel();
    require(count == total, "expected " + std::to_string(total) + " values, got " + std::to_string(count));
    torch::NoGradGuard no_grad;
    int64_t offset = 0;
    for (const auto& t : tensors) {
        auto host = torch::from_blob(const_cast<double*>(values + offset), t.sizes(), torch::kFloat64);
        t.copy_(host);
        offset += t.numel();
    }
}

}  // namespace gs

extern "C" int32_t gs_model_create(const char* layers, int32_t dtype, const char* device, uint64_t seed,
                                   int32_t init, gs_model** out) {
    return gs::guard("gs_model_create", [&] {
        gs::require(layers != nullptr && out != nullptr, "null argument");
        gs::configure_runtime_once();
        auto model = std::make_shared<gs::Model>();
        model->layers = gs::parse_layers(layers);
        model->dtype = gs::to_scalar_type(dtype);
        model->device = gs::parse_device(device);
        gs::initialise(*model, seed, init);
        *out = new gs_model{std::move(model)};
    });
}

extern "C" void gs_model_free(gs_model* model) { delete model; }

extern "C" int32_t gs_model_param_count(gs_model* model, int64_t* total, int64_t* trainable) {
    return gs::guard("gs_model_param_count", [&] {
        gs::require(model != nullptr, "null model");
        *total = model->model->parameter_count(false);
        *trainable = model->model->parameter_count(true);
    });
}

extern "C" int32_t gs_model_get_params(gs_model* model, double* values, int64_t count) {
    return gs::guard("gs_model_get_params", [&] {
        gs::require(model != nullptr && values != nullptr, "null argument");
        gs::read_flat(model->model->parameters(), values, count);
    });
}

extern "C" int32_t gs_model_param_sizes(gs_model* model, int64_t* sizes, int64_t capacity, int64_t* tensors) {
    return gs::guard("gs_model_param_sizes", [&] {
        gs::require(model != nullptr && tensors != nullptr, "null argument");
        const auto params = model->model->parameters();
        *tensors = static_cast<int64_t>(params.size());
        if (sizes == nullptr) return;
        gs::require(capacity >= *tensors, "sizes buffer too small");
        for (size_t i = 0; i < params.size(); ++i) sizes[i] = params[i].numel();
    });
}

extern "C" int32_t gs_model_set_params(gs_model* model, const double* values, int64_t count) {
    return gs::guard("gs_model_set_params", [&] {
        gs::require(model != nullptr && values != nullptr, "null argument");
        gs::write_flat(model->model->parameters(), values, count);
    });
}
