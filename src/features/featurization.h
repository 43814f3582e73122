// The layout of Adams2019's featurization, the input of Halide's cost model.
//
// For each stage, in the autoscheduler's stage order (see stage_graph.h), the
// featurization holds 39 schedule features followed by 287 algorithm features, all
// float32. gnnperf stores the two halves separately: algorithm features depend only on
// the pipeline, schedule features on the schedule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace gnnperf {

inline constexpr int kScheduleFeatures = 39;
inline constexpr int kAlgorithmFeatures = 287;
inline constexpr int kStageFeatures = kScheduleFeatures + kAlgorithmFeatures;
inline constexpr int kStageBytes = kStageFeatures * sizeof(float);  // 1304

// Indices of the schedule features the GNN's readout counts work with (gnn_readout.h).
// Counts are totals over the whole schedule, redundant recompute included, except the
// "per realization" and "at production" ones, which are per loop-nest instance.
enum ScheduleFeature : int64_t {
  kNumRealizations = 0,
  kNumProductions = 1,
  kPointsComputedPerProduction = 3,
  kPointsComputedTotal = 4,
  kBytesAtProduction = 12,
  kUniqueBytesReadPerRealization = 18,
  kNumVectors = 24,
  kNumScalars = 25,
};

// Per-stage features of one schedule, split into the two halves, stage-major.
struct SplitFeatures {
  int num_stages = 0;
  std::vector<float> schedule;   // num_stages * kScheduleFeatures
  std::vector<float> algorithm;  // num_stages * kAlgorithmFeatures
};

// Splits raw featurization bytes; throws std::runtime_error if the size is not a
// whole number of stages.
SplitFeatures split_featurization(std::span<const uint8_t> bytes);

// The inverse: the raw featurization Halide's tools expect.
std::vector<float> join_featurization(const SplitFeatures& features);

}  // namespace gnnperf
