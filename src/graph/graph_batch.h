// A batch of schedule graphs: many schedules of one or more pipelines become one
// disconnected graph. The schedules of one part share their pipeline's stage graph, so
// its adjacency is stored once per part and applied as one batched matrix product. A
// pipeline's algorithm features enter the batch once and are gathered per node by index.
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
  torch::Tensor schedule_features;      // [nodes, 39] transformed
  torch::Tensor algorithm_features;     // [stage rows, 287] transformed, one row per part stage
  torch::Tensor algorithm_index;        // [nodes] row of algorithm_features for each node
  torch::Tensor raw_schedule_features;  // [nodes, 39] untransformed: the readout's work counts
  torch::Tensor structure_features;     // [nodes, kStructureFeatures] 0 or 1
  torch::Tensor value_features;         // [stage rows, kValueFeatures]; zeros where unmeasured
  // The nodes of part k are blocks[k].schedules x blocks[k].stages consecutive rows from
  // blocks[k].first_node, schedule-major; adjacency is Kipf & Welling's normalized
  // D^-1/2 (A + A^T + I) D^-1/2 [stages, stages] of its pipeline. (Per-part dense
  // products beat both a sparse matrix over the whole batch and index_add, which
  // LibTorch 1.13 runs one row at a time on the CPU; see README.)
  struct Block {
    int64_t first_node = 0, schedules = 0, stages = 0;
    torch::Tensor adjacency;
  };
  std::vector<Block> blocks;
  torch::Tensor node_graph;   // [nodes] schedule (graph) of each node, 0..num_graphs-1
  torch::Tensor runtimes_ms;  // [graphs] measured runtimes, float64
  torch::Tensor graph_part;   // [graphs] part index: schedules that may be ranked together
  int64_t num_graphs = 0;

  GraphBatch to(torch::Dtype dtype) const;  // floating tensors converted, indices kept
};

GraphBatch make_batch(const std::vector<BatchPart>& parts, const FeatureTransform& transform);

}  // namespace gnnperf
