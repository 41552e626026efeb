/* OrleansSweeps numeric core: the flat C ABI (gs_<area>_<verb>).
 *
 * Rules every entry follows:
 *  - returns a gs_status; GS_OK (0) on success;
 *  - never lets a C++ exception escape: on failure the message is kept in a thread-local buffer that
 *    gs_last_error() returns (valid until the next failing call on the same thread);
 *  - calls are coarse: one call trains one step or evaluates one data set, never one tensor op.
 * Handles are opaque; a trainer keeps its model alive, so handles may be freed in any order.
 */
#ifndef GS_API_H
#define GS_API_H

#include <stdint.h>

#if defined(_WIN32)
#define GS_EXPORT __declspec(dllexport)
#else
#define GS_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gs_status {
    GS_OK = 0,
    GS_ERR_ARGUMENT = 1, /* a caller mistake: bad shape, bad layer text, unknown device */
    GS_ERR_TORCH = 2,    /* libtorch raised (out of memory, CUDA failure, ...) */
    GS_ERR_STATE = 3,    /* a serialized state does not fit this model/trainer */
    GS_ERR_DIVERGED = 4, /* the training loss is NaN or infinite; the parameters were left unchanged */
    GS_ERR_UNKNOWN = 99
} gs_status;

typedef enum gs_dtype { GS_FLOAT32 = 0, GS_FLOAT64 = 1 } gs_dtype;
typedef enum gs_init { GS_INIT_PYTORCH = 0, GS_INIT_XAVIER = 1 } gs_init;
typedef enum gs_optimizer_kind { GS_OPT_SGD = 0, GS_OPT_ADAM = 1 } gs_optimizer_kind;

typedef struct gs_model gs_model;
typedef struct gs_data gs_data;
typedef struct gs_trainer gs_trainer;

typedef struct gs_eval_result {
    double loss;     /* mean per-example loss */
    double accuracy; /* share of argmax == label; NaN for regression */
    int64_t count;   /* examples evaluated */
} gs_eval_result;

typedef struct gs_optimizer_config {
    int32_t kind;        /* gs_optimizer_kind */
    double momentum;     /* SGD only; 0 = plain (full-batch GD when the batch is the whole set) */
    double beta1;        /* Adam */
    double beta2;        /* Adam */
    double eps;          /* Adam */
    double weight_decay; /* L2 coefficient added to the gradient (coupled) */
} gs_optimizer_config;

/* --- errors and runtime ---------------------------------------------------------------------- */
GS_EXPORT const char* gs_last_error(void);
GS_EXPORT int32_t gs_runtime_info(char* buffer, int64_t capacity, int64_t* needed);
GS_EXPORT int32_t gs_runtime_set_threads(int32_t threads);
GS_EXPORT int32_t gs_runtime_cuda_device_count(int32_t* count);

/* --- models ------------------------------------------------------------------------------------
 * layers: ';'-separated text, e.g. "flatten;linear(784,256);relu;linear(256,10)". Kinds:
 * linear(in,out[,frozen]) conv(in,out,k[,stride=s][,pad=p][,frozen]) batchnorm(channels[,frozen])
 * maxpool(k) flatten relu tanh sigmoid. BatchNorm (as torch.nn.BatchNorm2d: ε 1e-5, momentum 0.1) uses
 * batch statistics only inside gs_trainer_step (which then takes the whole batch in one piece and
 * updates the running statistics); evaluation, gradients and every statistic use the running ones. device: "cpu", "cuda", "cuda:i". Initial values come from a portable generator seeded by
 * `seed`, so the same seed gives the same θ0 on every machine and libtorch version. */
GS_EXPORT int32_t gs_model_create(const char* layers, int32_t dtype, const char* device, uint64_t seed,
                                  int32_t init, gs_model** out);
GS_EXPORT void gs_model_free(gs_model* model);
GS_EXPORT int32_t gs_model_param_count(gs_model* model, int64_t* total, int64_t* trainable);
GS_EXPORT int32_t gs_model_get_params(gs_model* model, double* values, int64_t count);
GS_EXPORT int32_t gs_model_set_params(gs_model* model, const double* values, int64_t count);
/* Element count of every parameter tensor (per linear/conv layer: weight, then bias), in order.
 * sizes may be null to learn *tensors first. */
GS_EXPORT int32_t gs_model_param_sizes(gs_model* model, int64_t* sizes, int64_t capacity, int64_t* tensors);

/* --- data ----------------------------------------------------------------------------------------
 * x: n examples of shape example_shape (row-major, float32 on the host). Exactly one of labels
 * (classification, cross-entropy over `classes` logits) or targets (regression, n×target_dim,
 * squared error) is non-null. */
GS_EXPORT int32_t gs_data_create(const float* x, int64_t n, const int64_t* example_shape, int32_t ndim,
                                 const int64_t* labels, int64_t classes, const float* targets,
                                 int64_t target_dim, int32_t dtype, const char* device, gs_data** out);
GS_EXPORT void gs_data_free(gs_data* data);

/* --- evaluation and gradients ------------------------------------------------------------------
 * idx selects examples (null: all). Work runs in chunks so memory stays bounded. */
GS_EXPORT int32_t gs_eval(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx,
                          gs_eval_result* out);
/* Gradient of the mean loss over the selected examples w.r.t. every parameter (zeros for frozen
 * ones), in the order of gs_model_get_params. */
GS_EXPORT int32_t gs_loss_grad(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx,
                               double* loss, double* grad, int64_t count);

/* --- gradient statistics (SCIENCE.md §1, §3) ---------------------------------------------------
 * Per-parameter statistics of per-example gradients g_ij = ∂L_i/∂θ_j over the selected examples, for
 * every parameter (frozen ones too, as if they were trained), in the order of gs_model_get_params:
 * mean[j] = (1/n) Σ_i g_ij, second[j] = (1/n) Σ_i g_ij², positive[j] = #{i: g_ij > 0},
 * negative[j] = #{i: g_ij < 0} (pass null for both to skip the sign counts); an exact zero is in neither,
 * so #{i: g_ij != 0} = positive[j] + negative[j], the divisor of p_same_sign. Examples are processed
 * `chunk` at a time, so memory is bounded whatever n is. */
GS_EXPORT int32_t gs_grad_moments(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, int64_t chunk,
                                  double* mean, double* second, double* positive, double* negative, int64_t count);

typedef struct gs_mgs_result {
    double trace;    /* trace(K) = Σ_{i,c} ||∂f_c(x_i)/∂θ||² */
    double log_det;  /* natural log det(K) from a float64 Cholesky; NaN when singular */
    int32_t singular;/* 1 when K is not numerically positive definite */
    int64_t size;    /* b·k */
} gs_mgs_result;

/* The MGS kernel K = J Jᵀ over the trainable parameters on the selected examples (the batch),
 * rows ordered example-major (row i·k + c). kernel may be null (metrics only); otherwise it receives
 * the (b·k)² float64 values row-major. */
GS_EXPORT int32_t gs_mgs_kernel(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, double* kernel,
                                int64_t capacity, gs_mgs_result* out);

/* Gradient of Σ_{i selected} f_c(x_i) (raw output c) w.r.t. every parameter, zeros for frozen ones: with
 * one example selected, a row of the MGS Jacobian J (reference loops and tests). */
GS_EXPORT int32_t gs_output_grad(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, int64_t output,
                                 double* grad, int64_t count);

/* --- training ------------------------------------------------------------------------------------ */
GS_EXPORT int32_t gs_trainer_create(gs_model* model, const gs_optimizer_config* config, uint64_t seed,
                                    gs_trainer** out);
GS_EXPORT void gs_trainer_free(gs_trainer* trainer);
/* One optimiser step on the mean loss of the selected examples (null idx: the whole set, i.e.
 * gradient descent). loss_before receives that mean loss at the parameters before the step. */
GS_EXPORT int32_t gs_trainer_step(gs_trainer* trainer, gs_data* data, const int64_t* idx, int64_t n_idx,
                                  double learning_rate, double* loss_before);
/* Full trainer state (parameters, optimiser buffers, step count, generator state) as bytes. */
GS_EXPORT int32_t gs_trainer_state_size(gs_trainer* trainer, int64_t* bytes);
GS_EXPORT int32_t gs_trainer_state_save(gs_trainer* trainer, uint8_t* buffer, int64_t capacity);
GS_EXPORT int32_t gs_trainer_state_load(gs_trainer* trainer, const uint8_t* buffer, int64_t length);

/* --- regularisers (SCIENCE.md §3, §4, §5) -----------------------------------------------------------
 * A trainer's update objective becomes mean loss + Σ λ·P over the penalties with λ > 0, on the update's
 * batch (taken in one piece), differentiated exactly by double backpropagation. Penalties:
 *   grad_norm   P = ||∂L/∂θ||², L the batch's mean loss, θ the trainable parameters
 *   mgs_trace   P = trace(K)/(b·k)      K = J Jᵀ the exact MGS kernel on the batch (rows: example × raw output)
 *   mgs_logdet  P = log det(K)/(b·k)    float64 Cholesky; a singular K fails the step (GS_ERR_DIVERGED)
 *   datagrad    P = mean_i ||∂L_i/∂x_i||²
 *   spectreg    P = mean_i ||ε_iᵀ ∂f(x_i)/∂x_i||², ε_i ~ N(0, I_k) drawn each update from the trainer's generator
 * dropout: probability r of zeroing a unit on the input of every linear layer that follows a linear layer
 * (after the activation of every hidden fully connected layer), kept units scaled by 1/(1−r); training
 * steps only, masks from the trainer's generator (so a checkpoint resumes bit-identically).
 * winsorize: c > 0 replaces the minibatch gradient by the per-parameter mean of the per-example gradients,
 * each clipped to [(c+1)-th smallest, (c+1)-th largest] over the batch (needs b ≥ 2c+1); c = 0 is plain.
 * MGS penalties and winsorizing refuse BatchNorm models; winsorizing does not combine with penalties. */
typedef struct gs_regularizer_config {
    double dropout;     /* r in [0, 1) */
    double grad_norm;   /* λ ≥ 0 of each penalty */
    double mgs_trace;
    double mgs_logdet;
    double datagrad;
    double spectreg;
    int64_t winsorize;  /* c ≥ 0 */
} gs_regularizer_config;

typedef enum gs_penalty_kind {
    GS_PENALTY_GRAD_NORM = 0,
    GS_PENALTY_MGS_TRACE = 1,
    GS_PENALTY_MGS_LOGDET = 2,
    GS_PENALTY_DATAGRAD = 3,
    GS_PENALTY_SPECTREG = 4
} gs_penalty_kind;

/* Replaces the trainer's regularisers (none after gs_trainer_create). Not part of the trainer state. */
GS_EXPORT int32_t gs_trainer_set_regularizers(gs_trainer* trainer, const gs_regularizer_config* config);
/* One penalty P (gs_penalty_kind) on the selected examples in one piece, in evaluation mode (no dropout,
 * BatchNorm running statistics), and ∂P/∂θ for every parameter (zeros for frozen ones) in the order of
 * gs_model_get_params. SpectReg: epsilon holds ε as b×k values row-major (epsilon_count = b·k), or is
 * null to draw ε ~ N(0, 1) from a generator seeded with `seed`. */
GS_EXPORT int32_t gs_penalty(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, int32_t kind,
                             const double* epsilon, int64_t epsilon_count, uint64_t seed, double* value,
                             double* grad, int64_t count);

/* --- coherent-gradients diagnostics (SCIENCE.md §4) -------------------------------------------
 * out[i] = ∇θ L_i · direction for each selected example i (direction over all parameters in the order of
 * gs_model_get_params; frozen parameters contribute nothing). With direction = Σ_i ∇θ L_i, summing out over
 * a subset gives that subset's share of the loss reduction, g·g_subset. */
GS_EXPORT int32_t gs_example_projections(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx,
                                         const double* direction, int64_t count, double* out);
/* out[i] = 1 when the argmax of the selected example's logits equals its label, else 0 (classification). */
GS_EXPORT int32_t gs_example_correct(gs_model* model, gs_data* data, const int64_t* idx, int64_t n_idx, uint8_t* out);

#ifdef __cplusplus
}
#endif
#endif
