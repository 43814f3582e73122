// Features of the values a pipeline computes, which no loop-nest feature can see.
//
// Halide 14 lowers `tanh` to one call of libm's scalar `tanhf` per lane, and glibc's
// `tanhf` costs what its argument asks: it returns at once for |x| >= 9 and for tiny
// |x|, and otherwise calls `expm1f`, which reduces its argument first when it exceeds
// 0.5 ln 2. The same GELU stage thus costs up to 3x more per point in one pipeline
// than in another (README, "GELU's cost depends on the values it is given"). Values do
// not depend on the schedule, so they are measured once per pipeline, under the plain
// schedule on collection's own inputs.
#pragma once

#include <Halide.h>

#include <vector>

#include "features/stage_graph.h"

namespace gnnperf {

struct BuiltPipeline;
struct Workload;

// The cost regimes of glibc 2.36's tanhf by |x|: under 2^-26 (returns x or expm1f's
// argument at once), below 0.1733 (expm1f's polynomial only), below 9 (expm1f with
// argument reduction: the costly one), and 9 or more (returns +-1 at once).
enum class TanhRegime { kTiny, kSmall, kReduced, kSaturated };
inline constexpr int kValueFeatures = 4;

TanhRegime tanh_regime(float x);

// Per stage of `graph`, in order, the fractions of its tanh calls' arguments in each
// TanhRegime (row-major, kValueFeatures per stage; zeros for a stage that calls no
// tanh). Runs the pipeline of `built` once under the plain schedule (so `built` is
// consumed: its Funcs are rescheduled and rewritten) on inputs filled as for timing.
std::vector<float> measure_value_features(BuiltPipeline& built, const StageGraph& graph,
                                          const Halide::Target& target);
// The same for a fresh build of `workload`, per stage of its stage graph, returned with it.
struct MeasuredValues {
  StageGraph graph;
  std::vector<float> features;
};
MeasuredValues measure_value_features(const Workload& workload, const Halide::Target& target);

}  // namespace gnnperf
