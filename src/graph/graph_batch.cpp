#include "graph/graph_batch.h"

namespace gnnperf {
namespace {

// Kipf & Welling's D^-1/2 (A + A^T + I) D^-1/2 of one pipeline's stage graph, dense:
// messages flow both ways along every edge, and each stage keeps its own state.
torch::Tensor normalized_adjacency(const PipelineGraph& g) {
  auto a = torch::eye(g.num_stages, torch::kFloat32);
  auto entry = a.accessor<float, 2>();
  for (const auto& [p, c] : g.edges) {
    entry[p][c] += 1;
    entry[c][p] += 1;
  }
  const auto d = torch::rsqrt(a.sum(1));
  return d.unsqueeze(1) * a * d.unsqueeze(0);
}

}  // namespace

GraphBatch make_batch(const std::vector<BatchPart>& parts, const FeatureTransform& transform) {
  std::vector<torch::Tensor> sched, raw_sched, structure, algo, values, algo_index, node_graph,
      runtimes, part_of;
  GraphBatch batch;
  int64_t nodes = 0, algo_rows = 0, graphs = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    const PipelineGraph& g = *parts[k].pipeline;
    const int64_t s = g.num_stages;
    const auto rows = torch::tensor(parts[k].rows, torch::kInt64);
    const int64_t b = rows.size(0);
    const auto raw = g.schedules.index_select(0, rows).reshape({b * s, kScheduleFeatures});
    sched.push_back(transform.schedule(raw));
    raw_sched.push_back(raw);
    // Graphs made by hand, in tests, may come without a schedule source.
    structure.push_back(g.structure.defined()
                            ? g.structure.index_select(0, rows).reshape({b * s, kStructureFeatures})
                            : torch::zeros({b * s, kStructureFeatures}));
    algo.push_back(transform.algorithm(g.algorithm));
    values.push_back(g.values.defined() ? g.values : torch::zeros({s, kValueFeatures}));
    const auto stage = torch::arange(s, torch::kInt64).repeat({b});
    algo_index.push_back(stage + algo_rows);
    const auto graph_of_node = torch::arange(b, torch::kInt64).repeat_interleave(s);
    node_graph.push_back(graph_of_node + graphs);
    batch.blocks.push_back({nodes, b, s, normalized_adjacency(g)});
    runtimes.push_back(g.runtimes_ms.index_select(0, rows));
    part_of.push_back(torch::full({b}, static_cast<int64_t>(k), torch::kInt64));
    nodes += b * s;
    algo_rows += s;
    graphs += b;
  }
  batch.schedule_features = torch::cat(sched);
  batch.raw_schedule_features = torch::cat(raw_sched);
  batch.structure_features = torch::cat(structure);
  batch.algorithm_features = torch::cat(algo);
  batch.value_features = torch::cat(values);
  batch.algorithm_index = torch::cat(algo_index);
  batch.node_graph = torch::cat(node_graph);
  batch.runtimes_ms = torch::cat(runtimes);
  batch.graph_part = torch::cat(part_of);
  batch.num_graphs = graphs;
  return batch;
}

GraphBatch GraphBatch::to(torch::Dtype dtype) const {
  GraphBatch b = *this;
  b.schedule_features = schedule_features.to(dtype);
  b.raw_schedule_features = raw_schedule_features.to(dtype);
  b.structure_features = structure_features.to(dtype);
  b.algorithm_features = algorithm_features.to(dtype);
  b.value_features = value_features.to(dtype);
  for (auto& block : b.blocks) block.adjacency = block.adjacency.to(dtype);
  return b;
}

}  // namespace gnnperf
