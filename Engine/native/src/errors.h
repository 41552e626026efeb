// Error plumbing for the C ABI: typed C++ errors inside, status codes + a thread-local message outside.
#pragma once
#include <stdexcept>
#include <string>

#include "gs_api.h"

namespace gs {

struct ArgumentError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

struct StateError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct DivergedError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void set_last_error(const char* operation, const std::string& message);

// Runs body; converts any exception into a status code and a message naming the operation.
template <class Body>
int32_t guard(const char* operation, Body&& body) noexcept {
    try {
        body();
        return GS_OK;
    } catch (const ArgumentError& e) {
        set_last_error(operation, e.what());
        return GS_ERR_ARGUMENT;
    } catch (const StateError& e) {
        set_last_error(operation, e.what());
        return GS_ERR_STATE;
    } catch (const DivergedError& e) {
        set_last_error(operation, e.what());
        return GS_ERR_DIVERGED;
    } catch (const c10::Error& e) {
        set_last_error(operation, e.what_without_backtrace());
        return GS_ERR_TORCH;
    } catch (const std::exception& e) {
        set_last_error(operation, e.what());
        return GS_ERR_UNKNOWN;
    } catch (...) {
        set_last_error(operation, "unknown native exception");
        return GS_ERR_UNKNOWN;
    }
}

inline void require(bool condition, const std::string& message) {
    if (!condition) throw ArgumentError(message);
}

}  // namespace gs
