// The weights of Halide's Adams2019 cost model and Halide's ".weights" file ("hwf1").
//
// File layout, all little-endian (Halide's Weights.cpp): uint32 signature 0x68776631,
// uint32 pipeline-features version, uint32 schedule-features version, uint32 buffer
// count (6), then per buffer: uint32 rank, rank x uint32 extents (dimension 0 first),
// float32 data in Halide's dense order (dimension 0 fastest). Halide's stock weights
// (data/halide14-baseline.weights) are byte-identical to the copy embedded in Debian's
// libautoschedule_adams2019.so.
//
// This is the project's only reader and writer of the format: the random weights that
// steer sampling (sampling/random_weights.h) are written through it too.
#pragma once

#include <HalideBuffer.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gnnperf {

inline constexpr uint32_t kHalideWeightsSignature = 0x68776631;  // bytes "1fwh" on disk
inline constexpr uint32_t kHalideFeaturesVersion = 3;  // PipelineFeatures / ScheduleFeatures
inline constexpr int kHalideWeightBuffers = 6;

// One buffer of the network: its name in Halide's Weights struct, the name of the
// cost_model argument it feeds, and its extents (dimension 0 first).
struct HalideWeightSpec {
  const char* name;  // head1_filter, head1_bias, head2_filter, head2_bias, conv1_filter, conv1_bias
  const char* argument;  // head1_filter, head1_bias, head2_filter, head2_bias, filter1, bias1
  std::vector<int> extents;
};

// The six buffers in file order: head1_filter [8 x 40 x 7], head1_bias [8],
// head2_filter [24 x 39], head2_bias [24], conv1_filter [32 x 32], conv1_bias [32].
const std::vector<HalideWeightSpec>& halide_weight_specs();

struct HalideWeights {
  uint32_t pipeline_features_version = kHalideFeaturesVersion;
  uint32_t schedule_features_version = kHalideFeaturesVersion;
  // In halide_weight_specs() order. Copying a Buffer shares its data: use clone() for
  // an independent copy.
  std::vector<Halide::Runtime::Buffer<float>> buffers;

  HalideWeights clone() const;
};

// Throws std::invalid_argument unless `weights` has the six buffers with the expected
// ranks and extents (dense, min 0).
void check_halide_weights(const HalideWeights& weights);

// Reads a ".weights" file. Throws std::runtime_error naming the file and the problem if
// it is missing, not an hwf1 file, of other feature versions than 3/3, has buffers of
// other shapes, is truncated or has trailing bytes.
HalideWeights load_halide_weights(const std::string& path);

// Writes a ".weights" file. Throws std::runtime_error naming the file if it cannot.
void save_halide_weights(const HalideWeights& weights, const std::string& path);

// Weights drawn uniformly from [-0.5, 0.5), as Adams2019's HL_RANDOMIZE_WEIGHTS does, but
// from a seeded std::mt19937_64 (53-bit doubles), buffer by buffer in file order, so
// that the same seed always gives the same weights.
HalideWeights random_halide_weights(uint64_t seed);

}  // namespace gnnperf
