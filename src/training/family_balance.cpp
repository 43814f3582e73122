#include "training/family_balance.h"

#include <cmath>

namespace gnnperf {

std::map<std::string, double> family_weights(const std::vector<const PipelineGraph*>& pipelines,
                                             double exponent) {
  std::map<std::string, double> schedules;
  double total = 0;
  for (const auto* g : pipelines) {
    schedules[g->family] += static_cast<double>(g->num_schedules());
    total += static_cast<double>(g->num_schedules());
  }
  std::map<std::string, double> weights;
  double weighted_total = 0;
  for (const auto& [family, n] : schedules) {
    weights[family] = n > 0 ? std::pow(n, -exponent) : 0.0;
    weighted_total += weights[family] * n;
  }
  for (auto& [family, w] : weights) w *= total / weighted_total;
  return weights;
}

torch::Tensor graph_weights(const std::vector<BatchPart>& parts,
                            const std::map<std::string, double>& weights) {
  std::vector<double> out;
  for (const auto& part : parts) {
    out.insert(out.end(), part.rows.size(), weights.at(part.pipeline->family));
  }
  return torch::tensor(out, torch::kFloat64);
}

}  // namespace gnnperf
