#include "onnx/onnx_network.h"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <set>
#include <stdexcept>

#include "onnx/flops.h"
#include "onnx/network_builder.h"
#include "onnx/onnx_error.h"

namespace gnnperf {
namespace {

// Ops that only relabel their input's elements: not worth a pipeline of their own.
const std::set<std::string> kViewOps = {"Identity", "Dropout",   "Reshape", "Flatten",
                                        "Squeeze",  "Unsqueeze", "Shape",   "Constant"};

// Ops that anchor a block (see onnx_network.h).
const std::set<std::string> kAnchorOps = {"Conv", "ConvTranspose", "Gemm", "MatMul"};

std::string node_label(const onnx::NodeProto& node, int index) {
  return func_name_for(node.name().empty() ? node.op_type() + std::to_string(index) : node.name());
}

}  // namespace

std::string dims_text(const std::vector<int64_t>& dims) {
  return fmt::format("[{}]", fmt::join(dims, "x"));
}

OnnxSplit parse_onnx_split(const std::string& text) {
  if (text == "whole") return OnnxSplit::kWhole;
  if (text == "layer") return OnnxSplit::kLayer;
  if (text == "block") return OnnxSplit::kBlock;
  throw std::invalid_argument("unknown ONNX split '" + text + "' (expected whole, layer or block)");
}

std::shared_ptr<const OnnxNetwork> OnnxNetwork::import(const std::string& path,
                                                       const InputShapes& shapes) {
  return import(OnnxModel::load(path, shapes));
}

std::shared_ptr<const OnnxNetwork> OnnxNetwork::import(std::shared_ptr<const OnnxModel> model) {
  std::shared_ptr<OnnxNetwork> net(new OnnxNetwork(std::move(model)));
  const OnnxModel& m = *net->model_;
  Graph graph;
  NetworkBuilder builder(m, graph);
  for (const auto& name : m.inputs()) {
    const TensorInfo info = *m.info(name);  // OnnxModel::load checked the shape
    const Halide::Type type = halide_type_of_onnx(info.elem_type);
    builder.add_input(name, info.dims, type);
    net->facts_[name] = TensorFacts{info.dims, type, std::nullopt};
  }
  for (const auto& [name, t] : m.initializers()) {
    net->facts_[name] = TensorFacts{t.dims, t.type(), t};
  }
  const auto& g = m.graph();
  for (int i = 0; i < g.node_size(); ++i) {
    builder.build_node(i);
    bool folded = true;
    for (const auto& out : g.node(i).output()) {
      if (out.empty()) continue;
      const Value& v = builder.value(out);
      net->facts_[out] = TensorFacts{v.dims, v.type, v.constant};
      folded = folded && v.constant.has_value();
    }
    net->folded_.push_back(folded);
  }
  for (const auto& out : g.output()) {
    if (!builder.has(out.name())) {
      throw OnnxError(fmt::format("graph output '{}' is produced by no node", out.name()));
    }
  }
  return net;
}

const TensorFacts& OnnxNetwork::facts(const std::string& tensor) const {
  auto it = facts_.find(tensor);
  if (it == facts_.end()) {
    throw OnnxError(fmt::format("tensor '{}' is not in the imported graph", tensor));
  }
  return it->second;
}

OnnxPipelinePlan OnnxNetwork::make_plan(const std::string& label, std::vector<int> nodes) const {
  const auto& g = model_->graph();
  OnnxPipelinePlan p;
  p.name = fmt::format("onnx:{}.{}", func_name_for(model_->stem()), label);
  std::set<std::string> produced, consumed_outside;
  for (int i : nodes) {
    for (const auto& out : g.node(i).output()) produced.insert(out);
  }
  const std::set<int> inside(nodes.begin(), nodes.end());
  for (int i = 0; i < g.node_size(); ++i) {
    if (inside.count(i)) continue;
    for (const auto& in : g.node(i).input()) consumed_outside.insert(in);
  }
  for (const auto& out : g.output()) consumed_outside.insert(out.name());
  std::set<std::string> seen_inputs;
  for (int i : nodes) {
    const auto& node = g.node(i);
    std::vector<std::vector<int64_t>> in_dims, out_dims;
    for (const auto& in : node.input()) {
      in_dims.push_back(in.empty() ? std::vector<int64_t>{} : facts(in).dims);
      if (in.empty() || produced.count(in) || facts(in).constant) continue;
      if (seen_inputs.insert(in).second) p.inputs.push_back(in);
    }
    for (const auto& out : node.output()) {
      out_dims.push_back(out.empty() ? std::vector<int64_t>{} : facts(out).dims);
      if (!out.empty() && consumed_outside.count(out)) p.outputs.push_back(out);
    }
    p.flops += node_flops(node, in_dims, out_dims);
  }
  p.nodes = std::move(nodes);
  return p;
}

std::vector<OnnxPipelinePlan> OnnxNetwork::plan(OnnxSplit split) const {
  const auto& g = model_->graph();
  std::vector<int> computing;
  for (int i = 0; i < g.node_size(); ++i) {
    if (!folded_[static_cast<size_t>(i)]) computing.push_back(i);
  }
  std::vector<OnnxPipelinePlan> plans;
  if (split == OnnxSplit::kWhole) {
    // Exactly the graph's inputs and outputs, in file order, so that data for the
    // graph (such as the conformance suite's) binds by position.
    plans.push_back(make_plan("whole", computing));
    plans.back().inputs = model_->inputs();
    plans.back().outputs.clear();
    for (const auto& out : g.output()) plans.back().outputs.push_back(out.name());
    return plans;
  }
  if (split == OnnxSplit::kLayer) {
    for (int i : computing) {
      if (kViewOps.count(g.node(i).op_type())) continue;
      plans.push_back(make_plan(node_label(g.node(i), i), {i}));
    }
    return plans;
  }
  std::vector<std::vector<int>> blocks;
  for (int i : computing) {
    if (blocks.empty() || kAnchorOps.count(g.node(i).op_type())) blocks.emplace_back();
    blocks.back().push_back(i);
  }
  for (auto& block : blocks) {
    const bool only_views = std::all_of(
        block.begin(), block.end(), [&](int i) { return kViewOps.count(g.node(i).op_type()) > 0; });
    if (only_views) continue;
    const int anchor = block.front();
    plans.push_back(make_plan(node_label(g.node(anchor), anchor), std::move(block)));
  }
  return plans;
}

BuiltPipeline OnnxNetwork::build(const OnnxPipelinePlan& plan) const {
  Graph graph;
  NetworkBuilder builder(*model_, graph);
  for (const auto& name : plan.inputs) {
    const TensorFacts& f = facts(name);
    builder.add_input(name, f.dims, f.type);
  }
  const auto& g = model_->graph();
  for (int i : plan.nodes) {
    for (const auto& in : g.node(i).input()) {
      if (in.empty() || builder.has(in)) continue;
      if (const auto& c = facts(in).constant) builder.add_constant(in, *c);
    }
    builder.build_node(i);
  }
  for (const auto& out : plan.outputs) {  // a graph output that is a folded constant
    if (builder.has(out)) continue;
    const auto& contents = facts(out).constant;
    if (!contents) throw OnnxError(fmt::format("output '{}' is computed by no node", out));
    builder.add_constant(out, *contents);
  }
  return graph.finish(builder.outputs(plan.outputs));
}

std::vector<Workload> onnx_workloads(const std::shared_ptr<const OnnxNetwork>& network,
                                     OnnxSplit split) {
  std::vector<Workload> out;
  const auto& g = network->model().graph();
  for (const auto& plan : network->plan(split)) {
    std::set<std::string> ops;
    for (int i : plan.nodes) ops.insert(g.node(i).op_type());
    std::string shapes;
    for (const auto& in : plan.inputs)
      shapes += (shapes.empty() ? "" : ",") + dims_text(network->facts(in).dims);
    std::string results;
    for (const auto& o : plan.outputs)
      results += (results.empty() ? "" : ",") + dims_text(network->facts(o).dims);
    Workload w;
    w.name = plan.name;
    w.family = "onnx";
    w.description = fmt::format("{} {} -> {}, {:.1f} MFLOP", fmt::join(ops, "+"), shapes, results,
                                plan.flops / 1e6);
    w.build = [network, plan] { return network->build(plan); };
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace gnnperf
