// Runtime facts (libtorch version, threads, BLAS) and global settings.
#include <torch/cuda.h>

#include <cstring>
#include <sstream>

#include "errors.h"

extern "C" int32_t gs_runtime_info(char* buffer, int64_t capacity, int64_t* needed) {
    return gs::guard("gs_runtime_info", [&] {
        std::ostringstream text;
        text << "libtorch " << TORCH_VERSION_MAJOR << "." << TORCH_VERSION_MINOR << "."
             << TORCH_VERSION_PATCH << "; intra-op threads " << at::get_num_threads()
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
        at::set_num_threads(threads);
    });
}

extern "C" int32_t gs_runtime_cuda_device_count(int32_t* count) {
    return gs::guard("gs_runtime_cuda_device_count", [&] {
        *count = torch::cuda::is_available() ? static_cast<int32_t>(torch::cuda::device_count()) : 0;
    });
}
