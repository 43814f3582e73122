// A workload is a named Halide pipeline that gnnperf can schedule, compile and time.
//
// Workloads are built lazily (building Halide Funcs is cheap but not free, and a
// collection only needs the ones it was asked for), and every build of the same
// workload yields a structurally identical pipeline, so that a schedule found in one
// process can be reproduced in another.
#pragma once

#include <Halide.h>

#include <functional>
#include <string>
#include <vector>

namespace gnnperf {

// An input buffer of the pipeline with the concrete shape used for estimates and timing.
struct PipelineInput {
  Halide::ImageParam param;
  std::vector<int> extents;  // one per dimension, all >= 1; min is always 0
};

// An output Func with the shape the pipeline is estimated and timed at.
struct PipelineOutput {
  Halide::Func func;
  std::vector<int> extents;
};

// A fully built pipeline: estimates are set on every input dimension and every output.
struct BuiltPipeline {
  std::vector<PipelineInput> inputs;
  std::vector<PipelineOutput> outputs;
  std::vector<Halide::Func> output_funcs() const;
  Halide::Pipeline pipeline() const;
};

struct Workload {
  std::string name;         // e.g. "resnet50.conv2_1a", "random:42"
  std::string family;       // e.g. "conv", "depthwise", "transformer", "random"
  std::string description;  // one line: op and shapes, for `gnnperf workloads`
  std::function<BuiltPipeline()> build;
};

// Sets estimates on every input dimension and every output from their extents.
// Builders call this once after defining the Funcs.
void apply_estimates(BuiltPipeline& built);

}  // namespace gnnperf
