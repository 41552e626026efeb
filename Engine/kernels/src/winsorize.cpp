// Winsorized means (SCIENCE.md §4) per parameter over a batch's per-example gradients: sort the b values
// S_0 ≤ … ≤ S_{b−1}; the c lowest become S_c and the c highest S_{b−1−c}; the mean is
// (c·S_c + Σ_{r=c}^{b−1−c} S_r + c·S_{b−1−c}) / b. A batch is small (b ≈ 100), so each sort is in cache.
#include <algorithm>
#include <vector>

#include "gsk_api.h"

namespace gsk {
namespace {

template <typename T>
T winsorized_mean(T* values, int64_t b, int64_t c) {
    std::sort(values, values + b);
    T middle = 0;
    for (int64_t r = c; r < b - c; ++r) middle += values[r];
    return (middle + static_cast<T>(c) * (values[c] + values[b - 1 - c])) / static_cast<T>(b);
}

template <typename T>
int32_t winsorized_linear(const T* a, const T* delta, int64_t b, int64_t in, int64_t out, int64_t c, int64_t first,
                          int64_t last, T* weight) {
    if (a == nullptr || delta == nullptr || weight == nullptr || c < 0 || b < 2 * c + 1 || first < 0 || last > out)
        return 1;
    std::vector<T> values(static_cast<size_t>(b));
    for (int64_t o = first; o < last; ++o) {
        for (int64_t m = 0; m < in; ++m) {
            for (int64_t i = 0; i < b; ++i) values[i] = delta[i * out + o] * a[i * in + m];  // g_i[o, m] = δ_io a_im
            weight[o * in + m] = winsorized_mean(values.data(), b, c);
        }
    }
    return 0;
}

template <typename T>
int32_t winsorized_columns(const T* g, int64_t b, int64_t columns, int64_t c, int64_t first, int64_t last, T* mean) {
    if (g == nullptr || mean == nullptr || c < 0 || b < 2 * c + 1 || first < 0 || last > columns) return 1;
    std::vector<T> values(static_cast<size_t>(b));
    for (int64_t j = first; j < last; ++j) {
        for (int64_t i = 0; i < b; ++i) values[i] = g[i * columns + j];
        mean[j] = winsorized_mean(values.data(), b, c);
    }
    return 0;
}

}  // namespace
}  // namespace gsk

extern "C" int32_t gsk_winsorized_linear_f32(const float* a, const float* delta, int64_t b, int64_t in, int64_t out,
                                             int64_t c, int64_t first, int64_t last, float* weight) {
    return gsk::winsorized_linear(a, delta, b, in, out, c, first, last, weight);
}

extern "C" int32_t gsk_winsorized_linear_f64(const double* a, const double* delta, int64_t b, int64_t in, int64_t out,
                                             int64_t c, int64_t first, int64_t last, double* weight) {
    return gsk::winsorized_linear(a, delta, b, in, out, c, first, last, weight);
}

extern "C" int32_t gsk_winsorized_columns_f32(const float* g, int64_t b, int64_t columns, int64_t c, int64_t first,
                                              int64_t last, float* mean) {
    return gsk::winsorized_columns(g, b, columns, c, first, last, mean);
}

extern "C" int32_t gsk_winsorized_columns_f64(const double* g, int64_t b, int64_t columns, int64_t c, int64_t first,
                                              int64_t last, double* mean) {
    return gsk::winsorized_columns(g, b, columns, c, first, last, mean);
}
