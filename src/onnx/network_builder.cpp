#include "onnx/network_builder.h"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cctype>

#include "onnx/onnx_error.h"
#include "onnx/op_registry.h"

namespace gnnperf {
namespace {

// Folding realizes the value in this process; beyond this size it is left to the
// pipeline (large constant-only subgraphs are rare and cheap to compute there).
constexpr int64_t kMaxFoldedElements = int64_t{1} << 20;

std::vector<int> halide_extents(const std::vector<int64_t>& dims) {
  return {dims.rbegin(), dims.rend()};
}

}  // namespace

std::string func_name_for(const std::string& onnx_name) {
  std::string name;
  for (unsigned char c : onnx_name) name += std::isalnum(c) ? static_cast<char>(c) : '_';
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "t" + name;
  return name;
}

NetworkBuilder::NetworkBuilder(const OnnxModel& model, Graph& graph)
    : model_(model), graph_(graph) {}

std::string NetworkBuilder::claim_name(const std::string& base) {
  std::string name = func_name_for(base);
  // An ImageParam also takes "<name>_im", so a candidate must be free under both.
  for (int k = 2; used_names_.count(name) || used_names_.count(name + "_im"); ++k) {
    name = func_name_for(base) + "_" + std::to_string(k);
  }
  used_names_.insert(name);
  return name;
}

Halide::Func NetworkBuilder::make_func(const std::string& base) {
  return graph_.func(claim_name(base));
}

void NetworkBuilder::add_input(const std::string& name, const std::vector<int64_t>& dims,
                               Halide::Type type) {
  if (std::find(dims.begin(), dims.end(), 0) != dims.end()) {
    throw OnnxUnsupported(
        fmt::format("input '{}' has a zero-size dimension [{}]; zero-size "
                    "tensors are not supported",
                    name, fmt::join(dims, ",")));
  }
  const std::string param_name = claim_name(name);
  used_names_.insert(param_name + "_im");
  const Tensor t = graph_.input(param_name, halide_extents(dims), type);
  input_funcs_.insert(t.func.name());
  values_[name] = Value{t.func, dims, type, std::nullopt};
}

void NetworkBuilder::add_constant(const std::string& name, const HostTensor& contents) {
  values_[name] = constant_value(make_func(name), contents);
}

bool NetworkBuilder::has(const std::string& name) const { return values_.count(name) > 0; }

const Value& NetworkBuilder::value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw OnnxError(fmt::format("tensor '{}' was not built", name));
  return it->second;
}

const Value* NetworkBuilder::find(const std::string& name) {
  if (auto it = values_.find(name); it != values_.end()) return &it->second;
  const auto& inits = model_.initializers();
  if (auto it = inits.find(name); it != inits.end()) {
    add_constant(name, it->second);
    return &values_.at(name);
  }
  return nullptr;
}

void NetworkBuilder::fold(Value& v, const std::string& name) {
  if (v.constant || v.num_elements() > kMaxFoldedElements) return;
  Halide::Realization r = v.func.realize(halide_extents(v.dims));
  HostTensor t;
  t.dims = v.dims;
  t.buffer = r[0];
  v = constant_value(make_func(name + "_const"), t);
}

void NetworkBuilder::build_node(int index) {
  const ::onnx::NodeProto& node = model_.graph().node(index);
  const std::string label =
      node.name().empty() ? node.op_type() + std::to_string(index) : node.name();
  if (!node.domain().empty() && node.domain() != "ai.onnx") {
    throw OnnxUnsupported(fmt::format("{} node '{}': op domain '{}' is not supported",
                                      node.op_type(), label, node.domain()));
  }
  const auto& table = op_table();
  auto builder = table.find(node.op_type());
  if (builder == table.end()) {
    throw OnnxUnsupported(fmt::format("{} node '{}': op type {} is not supported", node.op_type(),
                                      label, node.op_type()));
  }
  std::vector<const Value*> inputs;
  bool all_constant = true;
  for (const auto& name : node.input()) {
    if (name.empty()) {
      inputs.push_back(nullptr);
      continue;
    }
    const Value* v = find(name);
    if (!v) {
      throw OnnxError(fmt::format("{} node '{}': input '{}' is not produced by any earlier node",
                                  node.op_type(), label, name));
    }
    all_constant = all_constant && v->constant.has_value();
    inputs.push_back(v);
  }
  std::vector<std::optional<std::vector<int64_t>>> inferred;
  for (const auto& name : node.output()) {
    auto info = model_.info(name);
    inferred.push_back(info ? std::optional(info->dims) : std::nullopt);
  }
  const std::string base = node.output_size() > 0 ? node.output(0) : label;
  OpContext ctx(node, model_.opset(), inputs, inferred, [&](const std::string& suffix) {
    return make_func(suffix.empty() ? base : base + "_" + suffix);
  });
  std::vector<Value> outputs;
  try {
    outputs = builder->second(ctx);
  } catch (const OnnxNeedsConstant&) {
    throw;
  } catch (const OnnxError& e) {
    // Shared helpers (broadcasting, type mapping) do not know the node; say which it is.
    const std::string prefix = fmt::format("{} node '", node.op_type());
    if (std::string(e.what()).starts_with(prefix)) throw;
    if (dynamic_cast<const OnnxUnsupported*>(&e)) ctx.unsupported(e.what());
    ctx.invalid(e.what());
  } catch (const Halide::CompileError& e) {
    ctx.invalid(fmt::format("Halide rejected the definition: {}", e.what()));
  }
  if (static_cast<int>(outputs.size()) < ctx.num_outputs()) {
    ctx.unsupported(fmt::format("output {} ('{}') is not supported", outputs.size(),
                                node.output(static_cast<int>(outputs.size()))));
  }
  for (int i = 0; i < ctx.num_outputs(); ++i) {
    const std::string& name = node.output(i);
    if (name.empty()) continue;
    Value& v = outputs[static_cast<size_t>(i)];
    if (inferred[static_cast<size_t>(i)] && *inferred[static_cast<size_t>(i)] != v.dims) {
      ctx.invalid(fmt::format("built output '{}' as [{}] but ONNX infers [{}]", name,
                              fmt::join(v.dims, ","),
                              fmt::join(*inferred[static_cast<size_t>(i)], ",")));
    }
    if (all_constant && !node.input().empty()) fold(v, name);
    values_[name] = v;
  }
}

std::vector<Tensor> NetworkBuilder::outputs(const std::vector<std::string>& names) {
  std::vector<Tensor> out;
  std::set<std::string> taken;
  for (const auto& name : names) {
    const Value v = value(name);
    Halide::Func f = v.func;
    if (input_funcs_.count(f.name()) || !taken.insert(f.name()).second) {
      f = make_func(name + "_out");
      const auto vars = onnx_vars(v.rank());
      define(f, vars, v.at(as_exprs(vars)));
      taken.insert(f.name());
    }
    out.push_back(Tensor{f, halide_extents(v.dims)});
  }
  return out;
}

}  // namespace gnnperf
