#include "data.h"

#include "errors.h"
#include "model.h"

namespace gs {

void for_each_chunk(const Data& data, const int64_t* idx, int64_t n_idx, int64_t chunk,
                    const std::function<void(const Batch&)>& visit) {
    const int64_t n = idx == nullptr ? data.count() : n_idx;
    require(n > 0, "the selection holds no examples");
    torch::Tensor index;
    if (idx != nullptr) {
        index = torch::from_blob(const_cast<int64_t*>(idx), {n_idx}, torch::kInt64).to(data.x.device());
        const auto lo = index.min().item<int64_t>();
        const auto hi = index.max().item<int64_t>();
        require(lo >= 0 && hi < data.count(), "example index out of range [0, " + std::to_string(data.count()) + ")");
    }
    for (int64_t start = 0; start < n; start += chunk) {
        const int64_t end = std::min(n, start + chunk);
        Batch batch;
        if (idx == nullptr) {
            batch.x = data.x.slice(0, start, end);
            if (data.classification()) batch.labels = data.labels.slice(0, start, end);
            else batch.targets = data.targets.slice(0, start, end);
        } else {
            const auto part = index.slice(0, start, end);
            batch.x = data.x.index_select(0, part);
            if (data.classification()) batch.labels = data.labels.index_select(0, part);
            else batch.targets = data.targets.index_select(0, part);
        }
        visit(batch);
    }
}

torch::Tensor per_example_loss(const torch::Tensor& output, const Batch& batch, const Data& data) {
    if (data.classification()) {
        require(output.dim() == 2 && output.size(1) == data.classes,
                "the model outputs " + std::to_string(output.size(-1)) + " values but the data has " +
                    std::to_string(data.classes) + " classes");
        return torch::nll_loss(torch::log_softmax(output, 1), batch.labels, {}, at::Reduction::None);
    }
    require(output.sizes() == batch.targets.sizes(),
            "the model outputs " + std::to_string(output.size(-1)) + " values but targets have " +
                std::to_string(batch.targets.size(-1)));
    return (output - batch.targets).pow(2).sum(1);
}

int64_t correct_count(const torch::Tensor& output, const Batch& batch) {
    return output.argmax(1).eq(batch.labels).sum().item<int64_t>();
}

}  // namespace gs

extern "C" int32_t gs_data_create(const float* x, int64_t n, const int64_t* example_shape, int32_t ndim,
                                  const int64_t* labels, int64_t classes, const float* targets,
                                  int64_t target_dim, int32_t dtype, const char* device, gs_data** out) {
    return gs::guard("gs_data_create", [&] {
        gs::require(x != nullptr && example_shape != nullptr && out != nullptr, "null argument");
        gs::require(n > 0 && ndim >= 1, "need at least one example of at least one dimension");
        gs::require((labels == nullptr) != (targets == nullptr), "give exactly one of labels or targets");
        const auto scalar = gs::to_scalar_type(dtype);
        const auto dev = gs::parse_device(device);
        std::vector<int64_t> shape{n};
        for (int32_t d = 0; d < ndim; ++d) {
            gs::require(example_shape[d] > 0, "example shape must be positive");
            shape.push_back(example_shape[d]);
        }
        gs::Data data;
        data.x = torch::from_blob(const_cast<float*>(x), shape, torch::kFloat32).to(dev, scalar).clone();
        if (labels != nullptr) {
            gs::require(classes >= 2, "classification needs at least two classes");
            auto host = torch::from_blob(const_cast<int64_t*>(labels), {n}, torch::kInt64);
            gs::require(host.min().item<int64_t>() >= 0 && host.max().item<int64_t>() < classes,
                        "labels must lie in [0, " + std::to_string(classes) + ")");
            data.labels = host.to(dev).clone();
            data.classes = classes;
        } else {
            gs::require(target_dim >= 1, "regression targets need a dimension >= 1");
            data.targets = torch::from_blob(const_cast<float*>(targets), {n, target_dim}, torch::kFloat32)
                               .to(dev, scalar)
                               .clone();
        }
        *out = new gs_data{std::move(data)};
    });
}

extern "C" void gs_data_free(gs_data* data) { delete data; }
