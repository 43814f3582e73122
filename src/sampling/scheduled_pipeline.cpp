#include "sampling/scheduled_pipeline.h"

#include <string>

namespace gnnperf {

ScheduledPipeline schedule_pipeline(const Workload& workload, const Halide::Target& target,
                                    const SamplingParams& params, std::string* phase) {
  auto enter = [&](const char* name) {
    if (phase) *phase = name;
  };
  enter("build");
  ScheduledPipeline s;
  s.built = workload.build();
  s.pipeline = s.built.pipeline();
  s.graph = build_stage_graph(s.built.output_funcs());

  enter("autoschedule");
  s.schedule = autoschedule(s.pipeline, target, params);
  enter("featurize");
  s.features = split_featurization(s.schedule.featurization);
  if (static_cast<int>(s.graph.stages.size()) != s.features.num_stages) {
    throw std::runtime_error("stage graph has " + std::to_string(s.graph.stages.size()) +
                             " stages but the featurization " +
                             std::to_string(s.features.num_stages));
  }
  return s;
}

}  // namespace gnnperf
