// The graph neural network: node encoders for algorithm and schedule features, K graph
// convolutions over the stage graph (normalized adjacency with self loops, messages in
// both directions, residual connections), and a readout to a non-negative cost per
// stage. A schedule's predicted runtime is the sum of its stages' costs, so each
// stage's share of the runtime can be reported.
#pragma once

#include <torch/torch.h>

#include "graph/graph_batch.h"
#include "models/gnn_config.h"

namespace gnnperf {

struct GnnOutput {
  torch::Tensor stage_cost_ms;  // [nodes]
  torch::Tensor runtime_ms;     // [graphs]
};

class GnnModuleImpl : public torch::nn::Module {
 public:
  explicit GnnModuleImpl(const GnnConfig& config);
  GnnOutput forward(const GraphBatch& batch);

 private:
  torch::nn::Sequential algorithm_encoder_{nullptr}, schedule_encoder_{nullptr};
  torch::nn::Linear combine_{nullptr}, readout_{nullptr};
  torch::nn::ModuleList convolutions_{nullptr};
};
TORCH_MODULE(GnnModule);

}  // namespace gnnperf
