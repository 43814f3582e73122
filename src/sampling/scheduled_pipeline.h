// One workload built, autoscheduled and featurized: everything the collector needs
// before compiling, and everything a prediction of an unseen pipeline needs.
#pragma once

#include <Halide.h>

#include "features/featurization.h"
#include "features/stage_graph.h"
#include "sampling/autoscheduler.h"
#include "workloads/workload.h"

namespace gnnperf {

struct ScheduledPipeline {
  BuiltPipeline built;
  Halide::Pipeline pipeline;  // scheduled in place
  StageGraph graph;
  SplitFeatures features;
  AutoscheduleResult schedule;
};

// `phase` (if given) names the step in progress, for error messages of a caller that
// catches: "build", "autoschedule", "featurize". Throws std::runtime_error if the stage
// graph and the featurization disagree on the number of stages.
ScheduledPipeline schedule_pipeline(const Workload& workload, const Halide::Target& target,
                                    const SamplingParams& params, std::string* phase = nullptr);

}  // namespace gnnperf
