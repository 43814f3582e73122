// An imported ONNX network and the Halide pipelines gnnperf makes of it.
//
// Compilers tune real networks piece by piece, so a network can be cut three ways:
//   whole  one pipeline for the entire graph;
//   layer  one pipeline per computing node (pure views such as Reshape are left out);
//   block  one pipeline per anchor op (Conv, ConvTranspose, Gemm, MatMul) together with
//          the cheaper nodes that follow it up to the next anchor, the way TVM fuses an
//          anchor with its elementwise consumers.
// Pipelines are named "onnx:<file-stem>.<node-or-block>". A cut tensor becomes a pipeline
// input with the static shape the whole-graph import found for it.
#pragma once

#include <Halide.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onnx/onnx_model.h"
#include "workloads/workload.h"

namespace gnnperf {

enum class OnnxSplit { kWhole, kLayer, kBlock };

// "whole", "layer" or "block"; throws std::invalid_argument otherwise.
OnnxSplit parse_onnx_split(const std::string& text);

// A tensor shape as printed everywhere: "[1x3x224x224]".
std::string dims_text(const std::vector<int64_t>& dims);

// What the whole-graph import learned about one tensor.
struct TensorFacts {
  std::vector<int64_t> dims;  // ONNX order
  Halide::Type type;
  std::optional<HostTensor> constant;  // initializers and folded values
};

struct OnnxPipelinePlan {
  std::string name;                  // "onnx:<stem>.<label>"
  std::vector<int> nodes;            // graph node indices, in graph order
  std::vector<std::string> inputs;   // tensors computed outside the pipeline
  std::vector<std::string> outputs;  // tensors used outside it, or graph outputs
  double flops = 0;
};

class OnnxNetwork {
 public:
  // Loads the file and builds the whole graph once, so that every tensor's shape, type
  // and constness are known. Throws OnnxError (OnnxUnsupported for an op, attribute or
  // type outside what the importer builds).
  static std::shared_ptr<const OnnxNetwork> import(const std::string& path,
                                                   const InputShapes& shapes = {});
  static std::shared_ptr<const OnnxNetwork> import(std::shared_ptr<const OnnxModel> model);

  const OnnxModel& model() const { return *model_; }
  const TensorFacts& facts(const std::string& tensor) const;

  std::vector<OnnxPipelinePlan> plan(OnnxSplit split) const;
  // Builds one plan's pipeline, estimates set.
  BuiltPipeline build(const OnnxPipelinePlan& plan) const;

 private:
  explicit OnnxNetwork(std::shared_ptr<const OnnxModel> model) : model_(std::move(model)) {}
  OnnxPipelinePlan make_plan(const std::string& label, std::vector<int> nodes) const;

  std::shared_ptr<const OnnxModel> model_;
  std::map<std::string, TensorFacts> facts_;
  std::vector<bool> folded_;  // per node: every output known at import time
};

// The plans as workloads (family "onnx") for collect and predict.
std::vector<Workload> onnx_workloads(const std::shared_ptr<const OnnxNetwork>& network,
                                     OnnxSplit split);

}  // namespace gnnperf
