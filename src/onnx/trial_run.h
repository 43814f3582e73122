// Runs an imported pipeline on random inputs, under a plain or an autoscheduled
// schedule: to check that a network computes finite values, and that Adams2019's
// schedule computes the same values as the plain one (Halide 14 sometimes miscompiles).
#pragma once

#include <Halide.h>

#include <cstdint>
#include <vector>

#include "onnx/host_tensor.h"
#include "onnx/onnx_network.h"

namespace gnnperf {

enum class TrialSchedule { kPlain, kAutoscheduled };

// Whether Adams2019 has anything to schedule: a plan whose outputs are all folded
// constants or empty needs no schedule, and Halide 14's autoscheduler fails an internal
// assertion on one.
bool needs_schedule(const OnnxPipelinePlan& plan, const BuiltPipeline& built);

// Schedules `pipeline` (the plan, built as `built`) as asked; an autoscheduled pipeline
// that needs no schedule gets the plain one.
void apply_schedule(Halide::Pipeline& pipeline, const OnnxPipelinePlan& plan,
                    const BuiltPipeline& built, TrialSchedule schedule);

// The plan's outputs, in order, for inputs filled by fill_random (seeded by `seed` and
// each input's name).
std::vector<HostTensor> run_on_random_inputs(const OnnxNetwork& network,
                                             const OnnxPipelinePlan& plan, TrialSchedule schedule,
                                             uint32_t seed);

// max_relative_difference (measure/output_check.h) over two runs' outputs, infinite if
// their shapes differ.
double max_relative_difference(const std::vector<HostTensor>& a, const std::vector<HostTensor>& b);

}  // namespace gnnperf
