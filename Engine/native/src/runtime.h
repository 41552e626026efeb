// Process-wide settings of the numeric core.
#pragma once

namespace gs {

// Applied once per process before any work: keeps BLAS from oversubscribing the cores (runtime.cpp).
void configure_runtime_once();

}  // namespace gs
