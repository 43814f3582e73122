// The stage graph of a pipeline, in exactly the order of Adams2019's featurization.
//
// Adams2019 walks Funcs in reverse topological order (outputs first), skips input
// nodes (pure wrappers of input images that call no other Func), and for each Func
// lists its stages from the last update down to the pure definition. Reproducing that
// order lets a stage's node in the GNN line up with its row of the featurization.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace Halide {
class Func;
}  // namespace Halide

namespace gnnperf {

struct StageNode {
  std::string func_name;
  int definition = 0;        // 0 = pure definition, k = update k-1
  std::string name() const;  // "f" for the pure definition, "f.update(k-1)" otherwise
};

struct StageGraph {
  std::vector<StageNode> stages;
  // Producer -> consumer, as indices into `stages`. A consumer stage depends on the last
  // stage of every Func it calls, and each update depends on the stage before it.
  std::vector<std::pair<int, int>> edges;

  std::vector<std::string> stage_names() const;  // StageNode::name() of each stage
};

StageGraph build_stage_graph(const std::vector<Halide::Func>& outputs);

}  // namespace gnnperf
