#include "onnx/op_context.h"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "onnx/onnx_error.h"

namespace gnnperf {

OpContext::OpContext(const ::onnx::NodeProto& node, int opset, std::vector<const Value*> inputs,
                     std::vector<std::optional<std::vector<int64_t>>> inferred_output_dims,
                     std::function<Halide::Func(const std::string&)> make_func)
    : node_(node),
      opset_(opset),
      inputs_(std::move(inputs)),
      inferred_(std::move(inferred_output_dims)),
      make_func_(std::move(make_func)) {}

const std::string& OpContext::op_type() const { return node_.op_type(); }

std::string OpContext::node_label() const {
  if (!node_.name().empty()) return node_.name();
  return node_.output_size() > 0 ? "producing " + node_.output(0) : "(unnamed)";
}

bool OpContext::has_input(int i) const {
  return i >= 0 && i < num_inputs() && inputs_[static_cast<size_t>(i)] != nullptr;
}

const Value& OpContext::input(int i) const {
  if (!has_input(i)) invalid(fmt::format("input {} is missing", i));
  return *inputs_[static_cast<size_t>(i)];
}

int OpContext::num_outputs() const {
  int n = 0;
  for (int i = 0; i < node_.output_size(); ++i) {
    if (!node_.output(i).empty()) n = i + 1;
  }
  return n;
}

const ::onnx::AttributeProto* OpContext::find_attr(const std::string& name) const {
  for (const auto& a : node_.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

bool OpContext::has_attr(const std::string& name) const { return find_attr(name) != nullptr; }

int64_t OpContext::attr_int(const std::string& name, int64_t fallback) const {
  const auto* a = find_attr(name);
  return a ? a->i() : fallback;
}

float OpContext::attr_float(const std::string& name, float fallback) const {
  const auto* a = find_attr(name);
  return a ? a->f() : fallback;
}

std::string OpContext::attr_string(const std::string& name, const std::string& fallback) const {
  const auto* a = find_attr(name);
  return a ? a->s() : fallback;
}

std::vector<int64_t> OpContext::attr_ints(const std::string& name,
                                          const std::vector<int64_t>& fallback) const {
  const auto* a = find_attr(name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : fallback;
}

std::vector<float> OpContext::attr_floats(const std::string& name,
                                          const std::vector<float>& fallback) const {
  const auto* a = find_attr(name);
  return a ? std::vector<float>(a->floats().begin(), a->floats().end()) : fallback;
}

const ::onnx::TensorProto& OpContext::attr_tensor(const std::string& name) const {
  const auto* a = find_attr(name);
  if (!a || !a->has_t()) unsupported(fmt::format("attribute {} is not a tensor", name));
  return a->t();
}

const HostTensor& OpContext::constant(int i) const {
  const Value& v = input(i);
  if (!v.constant) {
    throw OnnxNeedsConstant(fmt::format("{} node '{}': input {} ('{}') must be a constant",
                                        op_type(), node_label(), i, node_.input(i)),
                            node_.input(i));
  }
  return *v.constant;
}

std::vector<int64_t> OpContext::constant_ints(int i) const { return constant(i).to_int64(); }

std::vector<double> OpContext::constant_doubles(int i) const { return constant(i).to_double(); }

std::optional<std::vector<int64_t>> OpContext::inferred_dims(int i) const {
  if (i < 0 || i >= static_cast<int>(inferred_.size())) return std::nullopt;
  return inferred_[static_cast<size_t>(i)];
}

int OpContext::axis(int64_t axis, int rank) const {
  if (axis < -rank || axis >= rank) {
    invalid(fmt::format("axis {} is out of range for rank {}", axis, rank));
  }
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

void OpContext::unsupported(const std::string& detail) const {
  throw OnnxUnsupported(fmt::format("{} node '{}': {}", op_type(), node_label(), detail));
}

void OpContext::invalid(const std::string& detail) const {
  throw OnnxError(fmt::format("{} node '{}': {}", op_type(), node_label(), detail));
}

}  // namespace gnnperf
