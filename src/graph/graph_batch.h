// A batch of schedule graphs: many schedules of one or more pipelines become one
// disconnected graph, its normalized adjacency a sparse matrix. A pipeline's algorithm
// features enter the batch once and are gathered per node by index.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "graph/feature_transform.h"
#include "graph/pipeline_graph.h"

namespace gnnperf {

// Some schedules (rows of `pipeline->schedules`) of one pipeline.
struct BatchPart {
  const PipelineGraph* pipeline = nullptr;
  std::vector<int64_t> rows;
};

struct GraphBatch {
  torch::Tensor schedule_features;   // [nodes, 39] transformed
  torch::Tensor algorithm_features;  // [stage rows, 287] transformed, one row per part stage
  torch::Tensor algorithm_index;     // [nodes] row of algorithm_features for each node
  // Kipf & Welling's normalized adjacency D^-1/2 (A + A^T + I) D^-1/2: edges in both
  // directions plus self loops, as a coalesced sparse COO matrix [nodes, nodes]. A sparse
  // product beats index_add, which LibTorch 1.13 runs one row at a time on the CPU.
  torch::Tensor adjacency;
  torch::Tensor node_graph;   // [nodes] schedule (graph) of each node, 0..num_graphs-1
  torch::Tensor runtimes_ms;  // [graphs] measured runtimes, float64
  torch::Tensor graph_part;   // [graphs] part index: schedules that may be ranked together
  int64_t num_graphs = 0;

  GraphBatch to(torch::Dtype dtype) const;  // floating tensors converted, indices kept
};

GraphBatch make_batch(const std::vector<BatchPart>& parts, const FeatureTransform& transform);

}  // namespace gnnperf
