/* OrleansSweeps fused kernels: a flat C ABI (gsk_<area>_<verb>) over raw, contiguous, row-major memory.
 * No libtorch types cross it: the managed side passes the data pointers of CPU tensors, in float32 or
 * float64 (the _f32 / _f64 suffix). Kernels never throw and never allocate what they return; they run
 * single-threaded (the caller splits the work over its threads, each range into its own output). */
#ifndef GSK_API_H
#define GSK_API_H

#include <stdint.h>

#define GSK_EXPORT __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

/* A conv layer's geometry: input [in, height, width] per example, weight [out, in, k, k], output
 * [out, out_h, out_w] per example. */
typedef struct gsk_conv {
    int64_t in, out, kernel, stride, pad;
    int64_t height, width, out_h, out_w;
} gsk_conv;

/* Per-example gradients of a conv layer over examples [first, last), folded into sums (SCIENCE.md §1):
 * with params = out·in·k² + out (weight then bias), sums[0..params) += Σ_b g_b, sums[params..2p) += Σ_b g_b²,
 * and when signs != 0, sums[2p..3p) += #{b: g_b > 0}, sums[3p..4p) += #{b: g_b < 0}. g_b = δ_b U_bᵀ (U_b the
 * im2col of example b, one BLAS call per example) and Σ_positions δ_b for the bias. x: [B, in, h, w];
 * delta: [B, out, out_h, out_w]. Returns 0, or 1 for a bad argument. */
GSK_EXPORT int32_t gsk_conv_moments_f32(const gsk_conv* conv, const float* x, const float* delta, int64_t first,
                                        int64_t last, int32_t signs, double* sums);
GSK_EXPORT int32_t gsk_conv_moments_f64(const gsk_conv* conv, const double* x, const double* delta, int64_t first,
                                        int64_t last, int32_t signs, double* sums);

/* Winsorized means (SCIENCE.md §4) of rows [first, last) of a linear layer's per-example weight gradients
 * g_i[o, m] = δ_i[o]·a_i[m], never materialised: for each weight, the b values sorted, the c lowest raised
 * to the (c+1)-th smallest and the c highest lowered to the (c+1)-th largest, then averaged. a: [b, in],
 * delta: [b, out], weight: [out, in] (rows first..last written). Needs b ≥ 2c + 1. */
GSK_EXPORT int32_t gsk_winsorized_linear_f32(const float* a, const float* delta, int64_t b, int64_t in, int64_t out,
                                             int64_t c, int64_t first, int64_t last, float* weight);
GSK_EXPORT int32_t gsk_winsorized_linear_f64(const double* a, const double* delta, int64_t b, int64_t in, int64_t out,
                                             int64_t c, int64_t first, int64_t last, double* weight);

/* Winsorized means of columns [first, last) of g: [b, columns] (one example per row) into mean[first..last). */
GSK_EXPORT int32_t gsk_winsorized_columns_f32(const float* g, int64_t b, int64_t columns, int64_t c, int64_t first,
                                              int64_t last, float* mean);
GSK_EXPORT int32_t gsk_winsorized_columns_f64(const double* g, int64_t b, int64_t columns, int64_t c, int64_t first,
                                              int64_t last, double* mean);

/* Process setup, once: OpenBLAS on one thread (unless OPENBLAS_NUM_THREADS is set; our callers run the
 * kernels on several threads at once), glibc told never to trim the heap nor mmap large blocks (see
 * runtime.cpp). Writes the BLAS configuration (NUL-terminated, truncated to capacity) into blas. */
GSK_EXPORT void gsk_runtime_configure(char* blas, int64_t capacity);

/* libtorch's own build configuration (at::show_config() of the libtorch_cpu.so already loaded in this
 * process, found by name at run time), NUL-terminated, truncated to capacity; "" when not loaded. */
GSK_EXPORT void gsk_libtorch_config(char* text, int64_t capacity);

#ifdef __cplusplus
}
#endif
#endif
