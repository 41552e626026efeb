// Precompiled header: libtorch's headers dominate compile time (about 20 s per translation unit).
#pragma once
#include <torch/torch.h>
