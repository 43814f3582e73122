// The graph neural network: node encoders for algorithm and schedule features, K graph
// convolutions over the stage graph (normalized adjacency with self loops, messages in
// both directions, residual connections), and a readout to a non-negative cost per
// stage. A schedule's predicted runtime is the sum of its stages' costs, so each
// stage's share of the runtime can be reported.
//
// The readout gives log per-unit costs that multiply counts of work (gnn_readout.h).
//
// The model is an ensemble of `members` such networks, initialized independently and
// trained side by side on the same batches, each on its own loss. A stage's cost is the
// geometric mean of the members' costs: single networks trained with different seeds
// differ by up to 11 points of MAPE on the same test pipelines, and their mean is better
// than the typical member (README, "The GNN cost model"). The last `local_members` of
// them have no graph convolutions: the neighbour patterns the others learn mislead them
// on unseen kinds of networks, where a mix of both kinds errs less than members with
// convolutions alone (README, "Members with and without convolutions").
#pragma once

#include <torch/torch.h>

#include "graph/graph_batch.h"
#include "models/gnn_config.h"

namespace gnnperf {

struct GnnOutput {
  torch::Tensor stage_cost_ms;  // [nodes]: the members' geometric mean
  // [nodes, terms]: each work term's share of its stage's cost, the members' mean; not
  // differentiable (it explains predictions, training does not use it).
  torch::Tensor term_share;
  torch::Tensor runtime_ms;         // [graphs]: the sum of the stage costs
  torch::Tensor member_runtime_ms;  // [members, graphs]: each member's own, for training
};

// One member: the log cost of every work term of every node of the batch, [nodes, terms].
class GnnNetworkImpl : public torch::nn::Module {
 public:
  explicit GnnNetworkImpl(const GnnConfig& config);
  // `log_work`: log_work(readout, batch.raw_schedule_features), shared by the members.
  torch::Tensor forward(const GraphBatch& batch, const torch::Tensor& log_work);

 private:
  torch::nn::Sequential algorithm_encoder_{nullptr}, schedule_encoder_{nullptr};
  torch::nn::Linear combine_{nullptr}, readout_{nullptr};
  torch::nn::ModuleList convolutions_{nullptr};
  double dropout_;
  bool schedule_structure_;  // the encoder also reads GraphBatch::structure_features
  bool value_features_;      // the algorithm encoder also reads GraphBatch::value_features
};
TORCH_MODULE(GnnNetwork);

class GnnModuleImpl : public torch::nn::Module {
 public:
  explicit GnnModuleImpl(const GnnConfig& config);
  GnnOutput forward(const GraphBatch& batch);

 private:
  torch::nn::ModuleList members_{nullptr};
  Readout readout_;
};
TORCH_MODULE(GnnModule);

}  // namespace gnnperf
