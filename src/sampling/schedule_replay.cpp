#include "sampling/schedule_replay.h"

#include <stdexcept>

#include "workloads/registry.h"

namespace gnnperf {

ScheduledPipeline replay_schedule(const std::string& pipeline_name, const SamplingParams& params,
                                  const std::vector<float>& stored_features,
                                  const Halide::Target& target) {
  Workload workload;
  try {
    workload = find_workload(pipeline_name);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("pipeline '" + pipeline_name +
                                "' cannot be built again (imported, or not a workload of this "
                                "version of gnnperf)");
  }
  load_adams2019();
  ScheduledPipeline s = schedule_pipeline(workload, target, params);
  if (s.features.schedule != stored_features) {
    throw std::invalid_argument("the autoscheduler no longer gives the stored schedule of '" +
                                pipeline_name +
                                "' (other schedule features: another target or workload code)");
  }
  return s;
}

}  // namespace gnnperf
