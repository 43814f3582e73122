// What an op builder sees of one ONNX node: its inputs as Values, its attributes, the
// shapes ONNX's shape inference found for its outputs, and a way to make Funcs.
#pragma once

#include <Halide.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "onnx/value.h"

namespace onnx {
class NodeProto;
class AttributeProto;
class TensorProto;
}  // namespace onnx

namespace gnnperf {

class OpContext {
 public:
  // `make_func(suffix)` returns a new Func with a pipeline-unique name derived from the
  // node and the suffix. `inputs[i]` is null for an omitted optional input ("").
  OpContext(const onnx::NodeProto& node, int opset, std::vector<const Value*> inputs,
            std::vector<std::optional<std::vector<int64_t>>> inferred_output_dims,
            std::function<Halide::Func(const std::string&)> make_func);

  const onnx::NodeProto& node() const { return node_; }
  const std::string& op_type() const;
  // The node's name, or "#<index>" style text when the file leaves it empty.
  std::string node_label() const;
  int opset() const { return opset_; }

  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  bool has_input(int i) const;
  // Throws OnnxError if the input is missing.
  const Value& input(int i) const;
  int num_outputs() const;  // outputs the graph asked for (named, non-empty)

  bool has_attr(const std::string& name) const;
  int64_t attr_int(const std::string& name, int64_t fallback) const;
  float attr_float(const std::string& name, float fallback) const;
  std::string attr_string(const std::string& name, const std::string& fallback) const;
  std::vector<int64_t> attr_ints(const std::string& name,
                                 const std::vector<int64_t>& fallback = {}) const;
  std::vector<float> attr_floats(const std::string& name,
                                 const std::vector<float>& fallback = {}) const;
  // Throws OnnxUnsupported if absent.
  const onnx::TensorProto& attr_tensor(const std::string& name) const;

  // The contents of input i, which must be known at import time (an initializer, a
  // Constant, or folded from them); throws OnnxUnsupported otherwise.
  std::vector<int64_t> constant_ints(int i) const;
  std::vector<double> constant_doubles(int i) const;

  // Shape inference's dims for output i, when it found them.
  std::optional<std::vector<int64_t>> inferred_dims(int i) const;

  // A new Func named after this node.
  Halide::Func func(const std::string& suffix = "") const { return make_func_(suffix); }

  // An axis attribute in [-rank, rank) made non-negative; throws OnnxError if out of range.
  int axis(int64_t axis, int rank) const;

  // Throws OnnxUnsupported: "<op> node '<name>': <detail>".
  [[noreturn]] void unsupported(const std::string& detail) const;
  // Throws OnnxError with the same prefix, for a malformed node.
  [[noreturn]] void invalid(const std::string& detail) const;

 private:
  const onnx::AttributeProto* find_attr(const std::string& name) const;
  const HostTensor& constant(int i) const;  // throws OnnxNeedsConstant

  const onnx::NodeProto& node_;
  int opset_;
  std::vector<const Value*> inputs_;
  std::vector<std::optional<std::vector<int64_t>>> inferred_;
  std::function<Halide::Func(const std::string&)> make_func_;
};

// Builds a node's outputs (first output first; the rest only if the op defines them).
using OpBuilder = std::function<std::vector<Value>(const OpContext&)>;

}  // namespace gnnperf
