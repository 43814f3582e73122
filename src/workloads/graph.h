// Pipeline-construction helpers shared by every workload builder.
//
// Halide's Func(name) constructor makes names unique with a process-wide counter
// ("conv", then "conv$1", ...), so the same workload built twice in one process would get
// different names. Graph instead creates Funcs with exactly the requested names and checks
// that they are unique within the pipeline, so every build is identical.
#pragma once

#include <Halide.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "workloads/workload.h"

namespace gnnperf {

// A value flowing through a pipeline: a Func and the extents it is consumed at, innermost
// dimension first. Images are (c, x, y) with channels innermost (batch 1, no batch
// dimension); matrices are (col, row).
struct Tensor {
  Halide::Func func;
  std::vector<int> shape;

  int rank() const { return static_cast<int>(shape.size()); }
  Halide::Type type() const { return func.output_types().at(0); }
  int64_t num_elements() const;
};

// Pure Vars for a Func of the given rank: (x), (x, y), (c, x, y), (c, x, y, n).
std::vector<Halide::Var> make_vars(int rank);

// Builds one pipeline: names Funcs exactly, records inputs in creation order.
class Graph {
 public:
  // Where layer parameters (weights, biases, norm scales) come from: pipeline inputs for
  // the real networks; synthetic Funcs for random pipelines, which keep 1-2 inputs.
  enum class Params { kInputs, kSynthetic };

  explicit Graph(Params params = Params::kInputs) : params_(params) {}

  // A new undefined Func named exactly `name`. Throws std::logic_error on a repeated name.
  Halide::Func func(const std::string& name);

  // A new pipeline input (ImageParam) of the given shape and type.
  Tensor input(const std::string& name, const std::vector<int>& shape,
               Halide::Type type = Halide::Float(32));

  // A float32 layer parameter of the given shape: an input, or a synthetic Func of small
  // deterministic values, depending on Params.
  Halide::Func param(const std::string& name, const std::vector<int>& shape);

  // Number of Funcs created so far (inputs excluded).
  int num_funcs() const { return num_funcs_; }

  // Packs inputs and outputs and sets all estimates.
  BuiltPipeline finish(const std::vector<Tensor>& outputs);

 private:
  void claim(const std::string& name);

  Params params_;
  std::set<std::string> names_;
  std::vector<PipelineInput> inputs_;
  int num_funcs_ = 0;
};

}  // namespace gnnperf
