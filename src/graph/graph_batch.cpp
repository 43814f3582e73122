#include "graph/graph_batch.h"

namespace gnnperf {
namespace {

struct NormalizedEdges {
  torch::Tensor src, dst, weight, self_weight;
};

NormalizedEdges normalize(const PipelineGraph& g) {
  const int64_t s = g.num_stages;
  std::vector<int64_t> src, dst;
  std::vector<double> degree(static_cast<size_t>(s), 1.0);  // the self loop
  for (const auto& [p, c] : g.edges) {
    src.insert(src.end(), {p, c});
    dst.insert(dst.end(), {c, p});
    degree[p] += 1;
    degree[c] += 1;
  }
  NormalizedEdges e;
  auto opts = torch::TensorOptions().dtype(torch::kInt64);
  e.src = torch::tensor(src, opts);
  e.dst = torch::tensor(dst, opts);
  auto d = torch::tensor(degree, torch::kFloat32);
  e.weight = src.empty() ? torch::zeros({0})
                         : torch::rsqrt(d.index_select(0, e.src) * d.index_select(0, e.dst));
  e.self_weight = 1.0 / d;
  return e;
}

}  // namespace

GraphBatch make_batch(const std::vector<BatchPart>& parts, const FeatureTransform& transform) {
  std::vector<torch::Tensor> sched, algo, algo_index, src, dst, weight, self, node_graph, runtimes,
      part_of;
  int64_t nodes = 0, algo_rows = 0, graphs = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    const PipelineGraph& g = *parts[k].pipeline;
    const int64_t s = g.num_stages;
    const auto rows = torch::tensor(parts[k].rows, torch::kInt64);
    const int64_t b = rows.size(0);
    sched.push_back(
        transform.schedule(g.schedules.index_select(0, rows).reshape({b * s, kScheduleFeatures})));
    algo.push_back(transform.algorithm(g.algorithm));
    const auto stage = torch::arange(s, torch::kInt64).repeat({b});
    algo_index.push_back(stage + algo_rows);
    const auto graph_of_node = torch::arange(b, torch::kInt64).repeat_interleave(s);
    node_graph.push_back(graph_of_node + graphs);
    const NormalizedEdges e = normalize(g);
    const int64_t m = e.src.size(0);
    const auto offsets = (torch::arange(b, torch::kInt64) * s).repeat_interleave(m) + nodes;
    src.push_back(e.src.repeat({b}) + offsets);
    dst.push_back(e.dst.repeat({b}) + offsets);
    weight.push_back(e.weight.repeat({b}));
    self.push_back(e.self_weight.repeat({b}));
    runtimes.push_back(g.runtimes_ms.index_select(0, rows));
    part_of.push_back(torch::full({b}, static_cast<int64_t>(k), torch::kInt64));
    nodes += b * s;
    algo_rows += s;
    graphs += b;
  }
  GraphBatch batch;
  batch.schedule_features = torch::cat(sched);
  batch.algorithm_features = torch::cat(algo);
  batch.algorithm_index = torch::cat(algo_index);
  // Rows receive, columns send: entry (dst, src) for edges, (n, n) for self loops.
  const auto node = torch::arange(nodes, torch::kInt64);
  const auto receivers = torch::cat({torch::cat(dst), node});
  const auto senders = torch::cat({torch::cat(src), node});
  batch.adjacency =
      torch::sparse_coo_tensor(torch::stack({receivers, senders}),
                               torch::cat({torch::cat(weight), torch::cat(self)}), {nodes, nodes})
          .coalesce();
  batch.node_graph = torch::cat(node_graph);
  batch.runtimes_ms = torch::cat(runtimes);
  batch.graph_part = torch::cat(part_of);
  batch.num_graphs = graphs;
  return batch;
}

GraphBatch GraphBatch::to(torch::Dtype dtype) const {
  GraphBatch b = *this;
  b.schedule_features = schedule_features.to(dtype);
  b.algorithm_features = algorithm_features.to(dtype);
  b.adjacency = adjacency.to(dtype);
  return b;
}

}  // namespace gnnperf
