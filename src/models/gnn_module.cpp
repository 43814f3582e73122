#include "models/gnn_module.h"

#include <fmt/format.h>

#include <stdexcept>

#include "features/featurization.h"
#include "features/schedule_structure.h"
#include "features/value_features.h"

namespace gnnperf {
namespace {

torch::nn::Sequential encoder(int in, int hidden) {
  return torch::nn::Sequential(torch::nn::Linear(in, hidden), torch::nn::ReLU(),
                               torch::nn::Linear(hidden, hidden), torch::nn::ReLU());
}

// Â h: each node keeps its own state (self loop) and receives its neighbours' along
// every edge, in both directions, weighted by the symmetric normalization.
torch::Tensor propagate(const torch::Tensor& h, const GraphBatch& b) {
  std::vector<torch::Tensor> out;
  for (const auto& block : b.blocks) {
    const auto x = h.narrow(0, block.first_node, block.schedules * block.stages)
                       .view({block.schedules, block.stages, h.size(1)});
    out.push_back(torch::matmul(block.adjacency, x).view({-1, h.size(1)}));
  }
  return out.size() == 1 ? out.front() : torch::cat(out);
}

}  // namespace

GnnNetworkImpl::GnnNetworkImpl(const GnnConfig& c)
    : dropout_(c.dropout),
      schedule_structure_(c.schedule_structure),
      value_features_(c.value_features) {
  algorithm_encoder_ = register_module(
      "algorithm_encoder",
      encoder(kAlgorithmFeatures + (value_features_ ? kValueFeatures : 0), c.hidden));
  schedule_encoder_ = register_module(
      "schedule_encoder",
      encoder(kScheduleFeatures + (schedule_structure_ ? kStructureFeatures : 0), c.hidden));
  combine_ = register_module("combine", torch::nn::Linear(2 * c.hidden, c.hidden));
  convolutions_ = register_module("convolutions", torch::nn::ModuleList());
  for (int k = 0; k < c.layers; ++k)
    convolutions_->push_back(torch::nn::Linear(c.hidden, c.hidden));
  readout_ = register_module("readout", torch::nn::Linear(c.hidden, readout_terms(c.readout)));
}

torch::Tensor GnnNetworkImpl::forward(const GraphBatch& b, const torch::Tensor& log_work) {
  // Dropout is applied functionally, not as modules, so that the parameter names of
  // model files written without it stay the same.
  auto drop = [&](const torch::Tensor& x) { return torch::dropout(x, dropout_, is_training()); };
  // Algorithm features are encoded once per pipeline stage, then gathered per node.
  auto algorithm =
      drop(algorithm_encoder_->forward(value_features_
                                           ? torch::cat({b.algorithm_features, b.value_features}, 1)
                                           : b.algorithm_features))
          .index_select(0, b.algorithm_index);
  auto schedule = drop(schedule_encoder_->forward(
      schedule_structure_ ? torch::cat({b.schedule_features, b.structure_features}, 1)
                          : b.schedule_features));
  auto h = torch::relu(combine_->forward(torch::cat({algorithm, schedule}, 1)));
  for (const auto& conv : *convolutions_) {
    h = h + torch::relu(conv->as<torch::nn::Linear>()->forward(propagate(h, b)));
  }
  return readout_->forward(drop(h)) + log_work;
}

GnnModuleImpl::GnnModuleImpl(const GnnConfig& c) : readout_(c.readout) {
  const int local = c.local_members_or_default();
  if (local < 0 || local > c.members)
    throw std::invalid_argument(
        fmt::format("local_members = {} is outside [0, members = {}]", local, c.members));
  members_ = register_module("members", torch::nn::ModuleList());
  for (int m = 0; m < c.members; ++m) {
    GnnConfig member = c;
    if (m >= c.members - local) member.layers = 0;
    members_->push_back(GnnNetwork(member));
  }
}

GnnOutput GnnModuleImpl::forward(const GraphBatch& b) {
  auto runtime_of = [&](const torch::Tensor& stage_cost) {
    return torch::zeros({b.num_graphs}, stage_cost.options())
        .index_add(0, b.node_graph, stage_cost);
  };
  const auto work = log_work(readout_, b.raw_schedule_features);
  std::vector<torch::Tensor> log_costs, runtimes, term_shares;
  for (const auto& member : *members_) {
    const auto log_terms = member->as<GnnNetwork>()->forward(b, work);
    // Costs span microseconds to seconds: the stage's log cost (the sum of its terms'
    // costs, in log space) is clamped so exp stays finite.
    log_costs.push_back(torch::logsumexp(log_terms, 1).clamp(-30, 30));
    runtimes.push_back(runtime_of(torch::exp(log_costs.back())));
    term_shares.push_back(torch::softmax(log_terms.detach(), 1));
  }
  GnnOutput out;
  out.stage_cost_ms = torch::exp(torch::stack(log_costs).mean(0));
  out.term_share = torch::stack(term_shares).mean(0);
  out.runtime_ms = runtime_of(out.stage_cost_ms);
  out.member_runtime_ms = torch::stack(runtimes);
  return out;
}

}  // namespace gnnperf
