#include "workloads/workload.h"

namespace gnnperf {

std::vector<Halide::Func> BuiltPipeline::output_funcs() const {
  std::vector<Halide::Func> funcs;
  funcs.reserve(outputs.size());
  for (const auto& out : outputs) funcs.push_back(out.func);
  return funcs;
}

Halide::Pipeline BuiltPipeline::pipeline() const { return Halide::Pipeline(output_funcs()); }

void apply_estimates(BuiltPipeline& built) {
  for (auto& in : built.inputs) {
    for (size_t d = 0; d < in.extents.size(); ++d) {
      in.param.dim(static_cast<int>(d)).set_estimate(0, in.extents[d]);
    }
  }
  for (auto& out : built.outputs) {
    Halide::Region region;
    for (int e : out.extents) region.emplace_back(0, e);
    out.func.set_estimates(region);
  }
}

}  // namespace gnnperf
