#include "features/stage_graph.h"

#include <Halide.h>

#include <algorithm>
#include <map>
#include <set>

namespace gnnperf {
namespace {

using Halide::Internal::Function;

// Collects the names of the Funcs a definition calls (not images, not itself).
class FuncCallCollector : public Halide::Internal::IRGraphVisitor {
 public:
  explicit FuncCallCollector(std::string self) : self_(std::move(self)) {}
  std::set<std::string> called;

 private:
  using IRGraphVisitor::visit;
  void visit(const Halide::Internal::Call* call) override {
    IRGraphVisitor::visit(call);
    if (call->call_type == Halide::Internal::Call::Halide && call->name != self_) {
      called.insert(call->name);
    }
  }
  std::string self_;
};

std::set<std::string> calls_of(const Halide::Internal::Definition& def, const std::string& self) {
  FuncCallCollector collector(self);
  def.accept(&collector);
  return collector.called;
}

// Adams2019 leaves out "input nodes": Funcs that merely wrap an input image.
bool is_input_node(const Function& f) {
  if (f.has_update_definition() || f.is_wrapper() == nullptr) return false;
  return calls_of(f.definition(), f.name()).empty();
}

}  // namespace

std::string StageNode::name() const {
  return definition == 0 ? func_name
                         : func_name + ".update(" + std::to_string(definition - 1) + ")";
}

std::vector<std::string> StageGraph::stage_names() const {
  std::vector<std::string> names;
  names.reserve(stages.size());
  for (const auto& stage : stages) names.push_back(stage.name());
  return names;
}

StageGraph build_stage_graph(const std::vector<Halide::Func>& outputs) {
  std::vector<Function> output_functions;
  output_functions.reserve(outputs.size());
  for (const auto& f : outputs) output_functions.push_back(f.function());
  auto env = Halide::Internal::build_environment(output_functions);
  auto order = Halide::Internal::topological_order(output_functions, env);
  std::reverse(order.begin(), order.end());

  StageGraph graph;
  std::map<std::string, int> last_stage_of;  // Func name -> index of its final stage
  std::vector<std::pair<int, std::set<std::string>>> consumer_calls;
  for (const auto& name : order) {
    const Function& f = env.at(name);
    if (is_input_node(f)) continue;
    const int num_updates = static_cast<int>(f.updates().size());
    last_stage_of[name] = static_cast<int>(graph.stages.size());
    for (int d = num_updates; d >= 0; --d) {
      const int index = static_cast<int>(graph.stages.size());
      graph.stages.push_back({name, d});
      const auto& def = d == 0 ? f.definition() : f.update(d - 1);
      consumer_calls.emplace_back(index, calls_of(def, name));
      // Stages are listed last-update first, so the previous definition comes next.
      if (d > 0) graph.edges.emplace_back(index + 1, index);
    }
  }
  for (const auto& [consumer, called] : consumer_calls) {
    for (const auto& producer : called) {
      auto it = last_stage_of.find(producer);
      if (it != last_stage_of.end()) graph.edges.emplace_back(it->second, consumer);
    }
  }
  std::sort(graph.edges.begin(), graph.edges.end());
  return graph;
}

}  // namespace gnnperf
