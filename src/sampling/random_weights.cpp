#include "sampling/random_weights.h"

#include "baselines/halide_weights.h"

namespace gnnperf {

void write_random_weights(uint64_t seed, const std::string& path) {
  save_halide_weights(random_halide_weights(seed), path);
}

}  // namespace gnnperf
