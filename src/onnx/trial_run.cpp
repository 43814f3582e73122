#include "onnx/trial_run.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "measure/host_target.h"
#include "measure/output_check.h"
#include "measure/random_inputs.h"
#include "sampling/autoscheduler.h"
#include "sampling/plain_schedule.h"

namespace gnnperf {

bool needs_schedule(const OnnxPipelinePlan& plan, const BuiltPipeline& built) {
  auto empty = [](const std::vector<int>& extents) {
    return std::find(extents.begin(), extents.end(), 0) != extents.end();
  };
  if (plan.nodes.empty()) return false;
  return std::any_of(built.outputs.begin(), built.outputs.end(),
                     [&](const PipelineOutput& o) { return !empty(o.extents); });
}

void apply_schedule(Halide::Pipeline& pipeline, const OnnxPipelinePlan& plan,
                    const BuiltPipeline& built, TrialSchedule schedule) {
  if (schedule == TrialSchedule::kAutoscheduled && needs_schedule(plan, built)) {
    autoschedule(pipeline, host_target(), SamplingParams{1, 100, 0, 2, 0});
    return;
  }
  apply_plain_schedule(built.output_funcs());
}

std::vector<HostTensor> run_on_random_inputs(const OnnxNetwork& network,
                                             const OnnxPipelinePlan& plan, TrialSchedule schedule,
                                             uint32_t seed) {
  BuiltPipeline built = network.build(plan);
  Halide::Pipeline pipeline = built.pipeline();
  const Halide::Target target = host_target();
  apply_schedule(pipeline, plan, built, schedule);
  for (auto& in : built.inputs) {
    Halide::Buffer<> buffer(in.param.type(), in.extents);
    fill_random(buffer, seed_of_name(in.param.name()) + seed);
    in.param.set(buffer);
  }
  std::vector<Halide::Buffer<>> buffers;
  for (const auto& out : built.outputs) {
    buffers.emplace_back(out.func.output_types().at(0), out.extents);
  }
  Halide::Realization realization(buffers);
  pipeline.realize(realization, target);
  std::vector<HostTensor> results;
  for (size_t k = 0; k < buffers.size(); ++k) {
    results.push_back(HostTensor{network.facts(plan.outputs[k]).dims, buffers[k]});
  }
  return results;
}

double max_relative_difference(const std::vector<HostTensor>& a, const std::vector<HostTensor>& b) {
  constexpr double kInfinite = std::numeric_limits<double>::infinity();
  if (a.size() != b.size()) return kInfinite;
  double worst = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k].dims != b[k].dims) return kInfinite;
    worst = std::max(worst, max_relative_difference(a[k].to_double(), b[k].to_double()));
  }
  return worst;
}

}  // namespace gnnperf
