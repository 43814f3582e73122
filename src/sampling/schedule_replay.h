// Rebuilds a schedule stored in a dataset: its pipeline built again by name and
// autoscheduled from the stored sampling parameters. Adams2019 is deterministic given
// them, so the result is the stored schedule unless the machine's target or the
// workload's code changed; equal schedule features are the proof.
#pragma once

#include <string>
#include <vector>

#include "sampling/scheduled_pipeline.h"

namespace gnnperf {

// Adams2019 reads HL_RANDOM_DROPOUT once per process (sampling/autoscheduler.h): one
// replay per process. Throws std::invalid_argument naming the problem if the pipeline
// cannot be built again (imported from ONNX, or unknown to this version) or if the
// autoscheduler now gives a schedule with other features than `stored_features`.
ScheduledPipeline replay_schedule(const std::string& pipeline_name, const SamplingParams& params,
                                  const std::vector<float>& stored_features,
                                  const Halide::Target& target);

}  // namespace gnnperf
