#include "training/bootstrap.h"

#include <random>

namespace gnnperf {

BootstrapWeights bootstrap_weights(const std::vector<const PipelineGraph*>& pipelines, int members,
                                   uint64_t seed) {
  // Offset from the seeds of the epochs' shuffles (trainer.cpp), so the samples do not
  // follow the first epoch's order.
  std::mt19937_64 rng(seed * 1000003ULL + 999983ULL);
  std::poisson_distribution<int> draws(1.0);
  BootstrapWeights weights;
  for (const auto* g : pipelines) {
    auto& w = weights[g];
    for (int m = 0; m < members; ++m) w.push_back(draws(rng));
  }
  return weights;
}

torch::Tensor member_graph_weights(const std::vector<BatchPart>& parts,
                                   const BootstrapWeights& weights, int members) {
  std::vector<double> graph_major;
  int64_t graphs = 0;
  for (const auto& part : parts) {
    const auto& w = weights.at(part.pipeline);
    for (size_t r = 0; r < part.rows.size(); ++r, ++graphs)
      graph_major.insert(graph_major.end(), w.begin(), w.end());
  }
  return torch::tensor(graph_major, torch::kFloat64).view({graphs, members}).t().contiguous();
}

}  // namespace gnnperf
