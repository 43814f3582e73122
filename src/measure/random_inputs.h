// Random contents for pipeline inputs, for timing and for trial runs of imported
// networks: floats uniform in [-1, 1], integers small and non-negative (so that they
// are valid as indices into small axes), other types zero.
#pragma once

#include <Halide.h>

#include <random>

namespace gnnperf {

void fill_random(Halide::Buffer<> buf, std::mt19937& rng);

}  // namespace gnnperf
