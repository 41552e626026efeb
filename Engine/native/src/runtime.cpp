// Runtime facts (libtorch version, threads, BLAS) and global settings.
#include <torch/cuda.h>

#include <dlfcn.h>
#include <malloc.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sstream>

#include "errors.h"
#include "runtime.h"

namespace gs {
namespace {

int blas_threads_set = -1;

// OpenBLAS's own thread pool (libopenblas0-pthread) runs beside libtorch's OpenMP pool; on a small
// machine the two oversubscribe the cores. Measured on 2 cores (sweeps bench gradstats): single-threaded
// BLAS made the MLP step 1.8x and the GSNR CNN's MGS kernel 4x faster. So unless OPENBLAS_NUM_THREADS
// is set, BLAS runs on one thread and libtorch's intra-op threads do the parallel work. Found by name at
// run time, so any other BLAS is simply left alone.
void limit_blas_threads() {
    if (std::getenv("OPENBLAS_NUM_THREADS") != nullptr) return;
    using setter = void (*)(int);
    void* symbol = dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    for (const char* library : {"libblas.so.3", "libopenblas.so.0"}) {
        if (symbol != nullptr) break;
        if (void* handle = dlopen(library, RTLD_LAZY | RTLD_NOLOAD)) symbol = dlsym(handle, "openblas_set_num_threads");
    }
    if (symbol == nullptr) return;
    reinterpret_cast<setter>(symbol)(1);
    blas_threads_set = 1;
}

// Every large tensor freed back to the OS and allocated afresh costs a page fault per 4 KiB on first
// touch, and page faults are dear in a VM: measured in a Firecracker guest, a third of a GSNR CNN step
// was kernel time, and squaring a 3 MB tensor took 4.6 ms instead of 0.23 ms. With glibc never using
// mmap for tensors and never trimming the heap, freed pages are reused (full-batch GSNR CNN step on
// 1,000 images: 135–190 ms → 77 ms). The cost: the heap stays at its peak size, which a worker reaches
// in its first steps anyway.
void keep_freed_memory() {
#ifdef M_MMAP_MAX
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
}

}  // namespace

void configure_runtime_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        limit_blas_threads();
        keep_freed_memory();
    });
}

}  // namespace gs

extern "C" int32_t gs_runtime_info(char* buffer, int64_t capacity, int64_t* needed) {
    return gs::guard("gs_runtime_info", [&] {
        gs::configure_runtime_once();
        std::ostringstream text;
        text << "libtorch " << TORCH_VERSION_MAJOR << "." << TORCH_VERSION_MINOR << "."
             << TORCH_VERSION_PATCH << "; intra-op threads " << at::get_num_threads()
             << "; BLAS threads " << (gs::blas_threads_set > 0 ? std::to_string(gs::blas_threads_set) : std::string("as BLAS chose"))
             << "; cuda devices " << (torch::cuda::is_available() ? torch::cuda::device_count() : 0)
             << "\n"
             << at::show_config();
        const std::string s = text.str();
        *needed = static_cast<int64_t>(s.size()) + 1;
        if (buffer != nullptr && capacity >= *needed) std::memcpy(buffer, s.c_str(), s.size() + 1);
    });
}

extern "C" int32_t gs_runtime_set_threads(int32_t threads) {
    return gs::guard("gs_runtime_set_threads", [&] {
        gs::require(threads >= 1, "threads must be >= 1");
        gs::configure_runtime_once();
        at::set_num_threads(threads);
    });
}

extern "C" int32_t gs_runtime_cuda_device_count(int32_t* count) {
    return gs::guard("gs_runtime_cuda_device_count", [&] {
        *count = torch::cuda::is_available() ? static_cast<int32_t>(torch::cuda::device_count()) : 0;
    });
}
