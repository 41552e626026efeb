// A data set resident on the model's device, and the per-example losses defined on it.
#pragma once
#include <functional>

namespace gs {

struct Data {
    torch::Tensor x;        // n × example shape, model dtype
    torch::Tensor labels;   // n, int64 (classification) or undefined
    torch::Tensor targets;  // n × k, model dtype (regression) or undefined
    int64_t classes = 0;
    int64_t count() const { return x.size(0); }
    bool classification() const { return labels.defined(); }
};

struct Batch {
    torch::Tensor x, labels, targets;
    int64_t count() const { return x.size(0); }
};

// Examples per chunk for evaluation and full-batch gradients: bounds memory for n = 15,000 images.
constexpr int64_t kChunkExamples = 4096;

// Calls visit(batch) for consecutive chunks of the selection (idx null: all examples), in order.
void for_each_chunk(const Data& data, const int64_t* idx, int64_t n_idx, int64_t chunk,
                    const std::function<void(const Batch&)>& visit);

// L_i: cross-entropy of the logits (classification) or ||f - y||² (regression; no 1/2 factor).
torch::Tensor per_example_loss(const torch::Tensor& output, const Batch& batch, const Data& data);

// Number of examples whose argmax logit equals the label.
int64_t correct_count(const torch::Tensor& output, const Batch& batch);

}  // namespace gs

struct gs_data {
    gs::Data data;
};
