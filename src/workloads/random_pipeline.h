// Seeded random pipelines: DAGs that mix the network layers with generic pointwise,
// stencil and reduction stages, for training data beyond the named networks.
#pragma once

#include <cstdint>

#include "workloads/workload.h"

namespace gnnperf {

inline constexpr char kRandomPrefix[] = "random:";

// The pipeline "random:<seed>", family "random": 1 or 2 inputs, 2 to 30 Funcs (inputs
// excluded), 1 or 2 outputs, mostly float32 with some uint8/uint16/int32/float64 stages.
// Sizes are bounded so that even a fully inlined (unscheduled) pipeline does a few tens of
// millions of operations at most. The same seed yields the same structure, sizes and Func
// names on every platform (only std::mt19937_64's raw output is used).
Workload random_pipeline(uint64_t seed);

}  // namespace gnnperf
