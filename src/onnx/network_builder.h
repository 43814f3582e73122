// Turns ONNX nodes into Halide Funcs of one pipeline (a workloads Graph).
//
// The builder keeps a Value per tensor name. Pipeline inputs, initializers and constants
// computed elsewhere are given to it; each node is then built by its op's builder. A node
// whose inputs are all known at import time is folded: realized once here and replaced by
// its constant contents, which is how shape arithmetic (Shape -> Gather -> Concat ->
// Reshape, common in exported networks) becomes the static shapes Halide needs.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "onnx/onnx_model.h"
#include "onnx/value.h"
#include "workloads/graph.h"

namespace gnnperf {

class NetworkBuilder {
 public:
  NetworkBuilder(const OnnxModel& model, Graph& graph);

  // Makes tensor `name` a pipeline input (an ImageParam) of these dims and type.
  void add_input(const std::string& name, const std::vector<int64_t>& dims, Halide::Type type);
  // Makes tensor `name` a constant of the pipeline.
  void add_constant(const std::string& name, const HostTensor& contents);

  // Builds node `index` of the graph. Its inputs must be known: pipeline inputs,
  // constants, initializers or outputs of nodes built before. Throws OnnxUnsupported for
  // an op outside the table and OnnxError for a malformed node.
  void build_node(int index);

  bool has(const std::string& name) const;
  // Throws OnnxError if `name` was not built.
  const Value& value(const std::string& name) const;

  // The tensors as pipeline outputs, each its own Func (an output that is a pipeline
  // input or another output's Func gets a copy, since Halide realizes each Func once).
  std::vector<Tensor> outputs(const std::vector<std::string>& names);

 private:
  // A pipeline-unique Func name derived from `base`, reserved.
  std::string claim_name(const std::string& base);
  Halide::Func make_func(const std::string& base);
  const Value* find(const std::string& name);
  void fold(Value& v, const std::string& name);

  const OnnxModel& model_;
  Graph& graph_;
  std::map<std::string, Value> values_;
  std::set<std::string> used_names_;
  std::set<std::string> input_funcs_;  // Funcs of ImageParams
};

// A Halide-safe, deterministic Func name for an ONNX tensor or node name.
std::string func_name_for(const std::string& onnx_name);

}  // namespace gnnperf
