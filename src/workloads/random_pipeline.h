// Seeded random pipelines: DAGs that mix the network layers with generic pointwise,
// stencil and reduction stages, for training data beyond the named networks.
#pragma once

#include <cstdint>

#include "workloads/workload.h"

namespace gnnperf {

inline constexpr char kRandomPrefix[] = "random:";
inline constexpr char kRandomLargePrefix[] = "random_large:";

// The pipeline "random:<seed>", family "random": 1 or 2 inputs, 2 to 30 Funcs (inputs
// excluded), 1 or 2 outputs, mostly float32 with some uint8/uint16/int32/float64 stages.
// Sizes are bounded so that even a fully inlined (unscheduled) pipeline does a few tens of
// millions of operations at most. The same seed yields the same structure, sizes and Func
// names on every platform (only std::mt19937_64's raw output is used).
Workload random_pipeline(uint64_t seed);

// The pipeline "random_large:<seed>", family "random_large": the same generator with
// stages of up to 1M elements over 16 to 384 input channels (random pipelines stay
// under 64K over 1 to 32), the sizes of the named networks' layers, whose working sets
// leave the caches. Its seeds draw other structures than random:<seed>'s.
Workload random_large_pipeline(uint64_t seed);

}  // namespace gnnperf
