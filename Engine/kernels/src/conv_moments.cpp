// Per-example moments of a conv layer (SCIENCE.md §1): g_b = δ_b U_bᵀ for one example at a time, so U_b
// and g_b stay in cache, folded into running sums at once; never a [B, params] tensor in memory.
#include <algorithm>
#include <vector>

#include "blas.h"
#include "gsk_api.h"

namespace gsk {
namespace {

// U [in·k², L] for one example, rows in (channel, kh, kw) order as the weight's flattening, zero where
// the window leaves the padded image.
template <typename T>
void im2col(const gsk_conv& c, const T* x, T* u) {
    const int64_t k = c.kernel, s = c.stride, pad = c.pad, positions = c.out_h * c.out_w;
    for (int64_t ch = 0; ch < c.in; ++ch) {
        const T* plane = x + ch * c.height * c.width;
        for (int64_t kh = 0; kh < k; ++kh) {
            for (int64_t kw = 0; kw < k; ++kw) {
                T* row = u + ((ch * k + kh) * k + kw) * positions;
                for (int64_t oh = 0; oh < c.out_h; ++oh) {
                    T* dst = row + oh * c.out_w;
                    const int64_t ih = oh * s - pad + kh;
                    if (ih < 0 || ih >= c.height) {
                        std::fill(dst, dst + c.out_w, T(0));
                        continue;
                    }
                    const T* src = plane + ih * c.width;
                    if (s == 1 && pad == 0) {
                        for (int64_t ow = 0; ow < c.out_w; ++ow) dst[ow] = src[kw + ow];  // short rows: inlined, not memcpy
                        continue;
                    }
                    for (int64_t ow = 0; ow < c.out_w; ++ow) {
                        const int64_t iw = ow * s - pad + kw;
                        dst[ow] = iw >= 0 && iw < c.width ? src[iw] : T(0);
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
int32_t conv_moments(const gsk_conv* conv, const T* x, const T* delta, int64_t first, int64_t last, int32_t signs,
                     double* out) {
    if (conv == nullptr || x == nullptr || delta == nullptr || out == nullptr || first < 0 || last < first) return 1;
    const gsk_conv& c = *conv;
    const int64_t positions = c.out_h * c.out_w, columns = c.in * c.kernel * c.kernel;
    const int64_t weights = c.out * columns, params = weights + c.out;
    const int64_t in_stride = c.in * c.height * c.width, delta_stride = c.out * positions;
    std::vector<T> u(static_cast<size_t>(columns * positions));
    std::vector<T> g(static_cast<size_t>(params));
    std::vector<T> block(static_cast<size_t>(4 * params), T(0));
    T* bp = block.data();
    const auto flush = [&] {
        for (int64_t j = 0; j < 4 * params; ++j) out[j] += static_cast<double>(bp[j]);
        std::fill(block.begin(), block.end(), T(0));
    };
    for (int64_t b = first; b < last; ++b) {
        const T* d = delta + b * delta_stride;
        im2col(c, x + b * in_stride, u.data());
        gemm_nt(static_cast<int>(c.out), static_cast<int>(columns), static_cast<int>(positions), d,
                static_cast<int>(positions), u.data(), static_cast<int>(positions), g.data(),
                static_cast<int>(columns));  // G_b = δ_b U_bᵀ
        for (int64_t o = 0; o < c.out; ++o) {
            const T* row = d + o * positions;
            T total = 0;
            for (int64_t l = 0; l < positions; ++l) total += row[l];
            g[weights + o] = total;  // ∂L_b/∂bias_o = Σ_positions δ_b
        }
        accumulate(g.data(), params, signs != 0, bp, bp + params, bp + 2 * params, bp + 3 * params);
        if ((b - first + 1) % kBlock == 0) flush();
    }
    flush();
    return 0;
}

}  // namespace
}  // namespace gsk

extern "C" int32_t gsk_conv_moments_f32(const gsk_conv* conv, const float* x, const float* delta, int64_t first,
                                        int64_t last, int32_t signs, double* sums) {
    return gsk::conv_moments(conv, x, delta, first, last, signs, sums);
}

extern "C" int32_t gsk_conv_moments_f64(const gsk_conv* conv, const double* x, const double* delta, int64_t first,
                                        int64_t last, int32_t signs, double* sums) {
    return gsk::conv_moments(conv, x, delta, first, last, signs, sums);
}
