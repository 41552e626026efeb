#include "errors.h"

namespace gs {
namespace {
thread_local std::string last_error;
}

void set_last_error(const char* operation, const std::string& message) {
    last_error = std::string(operation) + ": " + message;
}

}  // namespace gs

extern "C" const char* gs_last_error(void) { return gs::last_error.c_str(); }
