// Random weights for Adams2019's cost model, written as a Halide ".weights" file.
//
// Steering the autoscheduler with a randomly weighted cost model is what makes it visit
// varied schedules: with the stock weights, seeds and dropout give only a handful of
// distinct schedules for a small pipeline. Adams2019's own HL_RANDOMIZE_WEIGHTS seeds
// from the clock; deriving the weights from the task's seed keeps every task
// reproducible, which resuming a collection relies on.
#pragma once

#include <cstdint>
#include <string>

namespace gnnperf {

// Writes weights drawn uniformly from [-0.5, 0.5), as Adams2019 randomizes them, in the
// "hwf1" layout (feature versions 3/3). Throws std::runtime_error if it cannot write.
void write_random_weights(uint64_t seed, const std::string& path);

}  // namespace gnnperf
