// Process-wide settings of the engine's native side, and facts about the libtorch in the process.
#include <dlfcn.h>
#include <malloc.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "gsk_api.h"

extern "C" {
// OpenBLAS's own API (cblas.h of libopenblas-dev declares them; repeated here to keep this file's needs plain).
void openblas_set_num_threads(int);
char* openblas_get_config(void);
int openblas_get_num_threads(void);
}

namespace {

void copy_out(const std::string& s, char* buffer, int64_t capacity) {
    if (buffer == nullptr || capacity <= 0) return;
    const size_t n = std::min<size_t>(s.size(), static_cast<size_t>(capacity - 1));
    std::memcpy(buffer, s.data(), n);
    buffer[n] = '\0';
}

// Every large tensor freed back to the OS and allocated afresh costs a page fault per 4 KiB on first
// touch, and page faults are dear in a VM: measured in a Firecracker guest, a third of a GSNR CNN step
// was kernel time. With glibc never using mmap for tensors and never trimming the heap, freed pages are
// reused (TorchSharp's conv nets were 1.7× slower without it). The cost: the heap stays at its peak size,
// which a worker reaches in its first steps anyway.
void keep_freed_memory() {
#ifdef M_MMAP_MAX
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
}

}  // namespace

extern "C" void gsk_runtime_configure(char* blas, int64_t capacity) {
    static std::once_flag once;
    std::call_once(once, [] {
        // Our kernels run on several .NET threads at once, each with its own BLAS calls: a BLAS thread
        // pool on top would oversubscribe the cores.
        if (std::getenv("OPENBLAS_NUM_THREADS") == nullptr) openblas_set_num_threads(1);
        keep_freed_memory();
    });
    copy_out(std::string(openblas_get_config()) + ", " + std::to_string(openblas_get_num_threads()) + " thread(s)", blas,
             capacity);
}

namespace at {
// libtorch's at::show_config(); declared, never linked: resolved by name below.
std::string show_config();
}

extern "C" void gsk_libtorch_config(char* text, int64_t capacity) {
    void* library = dlopen("libtorch_cpu.so", RTLD_LAZY | RTLD_NOLOAD);
    void* symbol = library != nullptr ? dlsym(library, "_ZN2at11show_configB5cxx11Ev") : nullptr;
    copy_out(symbol != nullptr ? reinterpret_cast<decltype(&at::show_config)>(symbol)() : std::string(), text, capacity);
    if (library != nullptr) dlclose(library);
}
