// Deterministic pseudo-random contents for pipeline inputs, for timing, for checking a
// schedule's outputs and for trial runs of imported networks: floats uniform in
// [-1, 1], integers small and non-negative (so that they are valid as indices into
// small axes), other types zero.
//
// Each element's value is a hash of the seed and the element's coordinates, not the
// next number of a sequence: two schedules that ask for different input bounds (one
// that over-computes reads past the nominal shape) still see the same value at every
// coordinate they share, so their outputs can be compared.
#pragma once

#include <Halide.h>

#include <cstdint>
#include <string_view>

namespace gnnperf {

void fill_random(Halide::Buffer<> buf, uint64_t seed);

// A seed that depends only on `name` (FNV-1a), stable across builds and machines.
uint64_t seed_of_name(std::string_view name);

}  // namespace gnnperf
