#include "conv_moments.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <vector>

namespace gs {
namespace {

// U [in·k², L] for one example, rows in (channel, kh, kw) order as the weight's flattening, zero where
// the window leaves the padded image.
template <typename T>
void im2col(const Layer& layer, const T* x, int64_t height, int64_t width, int64_t out_h, int64_t out_w, T* u) {
    const int64_t k = layer.kernel, s = layer.stride, pad = layer.pad, positions = out_h * out_w;
    for (int64_t c = 0; c < layer.in; ++c) {
        const T* plane = x + c * height * width;
        for (int64_t kh = 0; kh < k; ++kh) {
            for (int64_t kw = 0; kw < k; ++kw) {
                T* row = u + ((c * k + kh) * k + kw) * positions;
                for (int64_t oh = 0; oh < out_h; ++oh) {
                    T* dst = row + oh * out_w;
                    const int64_t ih = oh * s - pad + kh;
                    if (ih < 0 || ih >= height) {
                        std::fill(dst, dst + out_w, T(0));
                        continue;
                    }
                    const T* src = plane + ih * width;
                    if (s == 1 && pad == 0) {
                        for (int64_t ow = 0; ow < out_w; ++ow) dst[ow] = src[kw + ow];  // short rows: inlined, not memcpy
                        continue;
                    }
                    for (int64_t ow = 0; ow < out_w; ++ow) {
                        const int64_t iw = ow * s - pad + kw;
                        dst[ow] = iw >= 0 && iw < width ? src[iw] : T(0);
                    }
                }
            }
        }
    }
}

// One example's gradient g [count] folded into running sums in T: the inner loop of the whole
// computation, compiled for AVX-512 and AVX2 as well so the CPU picks its widest.
template <typename T>
__attribute__((target_clones("avx512f", "avx2", "default"))) void accumulate(const T* g, int64_t count, bool signs,
                                                                             T* sum, T* square, T* positive,
                                                                             T* negative) {
    for (int64_t j = 0; j < count; ++j) {
        sum[j] += g[j];
        square[j] += g[j] * g[j];
    }
    if (!signs) return;
    for (int64_t j = 0; j < count; ++j) {
        positive[j] += g[j] > T(0) ? T(1) : T(0);
        negative[j] += g[j] < T(0) ? T(1) : T(0);
    }
}

// Running sums are kept in the model's dtype over a block of examples (cache-resident, vectorised) and
// then added into float64, so float32 rounding spans at most kBlock terms; sign counts stay exact.
constexpr int64_t kBlock = 32;

template <typename T>
void add_range(const Layer& layer, const torch::Tensor& input, const torch::Tensor& delta, bool signs, int64_t first,
               int64_t last, double* out) {
    const int64_t height = input.size(2), width = input.size(3), out_h = delta.size(2), out_w = delta.size(3);
    const int64_t positions = out_h * out_w, columns = layer.in * layer.kernel * layer.kernel;
    const int64_t weights = layer.out * columns, params = weights + layer.out;
    const int64_t in_stride = layer.in * height * width, delta_stride = layer.out * positions;
    const auto options = input.options();
    auto u = torch::empty({columns, positions}, options);
    auto g = torch::empty({params}, options);
    auto block = torch::zeros({4, params}, options);
    auto weight_grad = g.narrow(0, 0, weights).view({layer.out, columns});
    T* gp = g.data_ptr<T>();
    T* bp = block.data_ptr<T>();
    const T* xp = input.data_ptr<T>();
    const T* dp = delta.data_ptr<T>();
    const auto flush = [&] {
        for (int64_t j = 0; j < 4 * params; ++j) out[j] += static_cast<double>(bp[j]);
        block.zero_();
    };
    for (int64_t b = first; b < last; ++b) {
        im2col(layer, xp + b * in_stride, height, width, out_h, out_w, u.data_ptr<T>());
        const auto d = torch::from_blob(const_cast<T*>(dp + b * delta_stride), {layer.out, positions}, options);
        at::mm_out(weight_grad, d, u.t());  // G_b = δ_b U_bᵀ
        for (int64_t o = 0; o < layer.out; ++o) {
            const T* row = dp + b * delta_stride + o * positions;
            T total = 0;
            for (int64_t l = 0; l < positions; ++l) total += row[l];
            gp[weights + o] = total;  // ∂L_b/∂bias_o = Σ_positions δ_b
        }
        accumulate(gp, params, signs, bp, bp + params, bp + 2 * params, bp + 3 * params);
        if ((b - first + 1) % kBlock == 0) flush();
    }
    flush();
}

}  // namespace

void add_conv_moments(const Layer& layer, const torch::Tensor& input, const torch::Tensor& delta, bool signs,
                      ConvSums& sums) {
    const auto x = input.contiguous();
    const auto d = delta.contiguous();
    const int64_t batch = x.size(0), params = sums.sum.numel();
    const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), batch));
    // Range r's sums land in row r: added in row order afterwards, whatever thread ran which range.
    std::vector<double> partial(static_cast<size_t>(parts * 4 * params), 0.0);
    at::parallel_for(0, parts, 1, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            const int64_t first = batch * r / parts, last = batch * (r + 1) / parts;
            double* out = partial.data() + r * 4 * params;
            if (x.scalar_type() == torch::kFloat64)
                add_range<double>(layer, x, d, signs, first, last, out);
            else
                add_range<float>(layer, x, d, signs, first, last, out);
        }
    });
    auto total = torch::zeros({4, params}, torch::kFloat64);
    for (int64_t r = 0; r < parts; ++r)
        total += torch::from_blob(partial.data() + r * 4 * params, {4, params}, torch::kFloat64);
    sums.sum += total[0];
    sums.square += total[1];
    if (signs) {
        sums.positive += total[2];
        sums.negative += total[3];
    }
}

}  // namespace gs
