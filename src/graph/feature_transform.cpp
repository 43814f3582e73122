#include "graph/feature_transform.h"

namespace gnnperf {
namespace {

// Constant features get a unit deviation, so they standardize to zero instead of NaN.
std::pair<torch::Tensor, torch::Tensor> mean_and_std(const torch::Tensor& rows) {
  auto mean = rows.mean(0);
  auto std = rows.std(0, /*unbiased=*/false);
  std = torch::where(std < 1e-6, torch::ones_like(std), std);
  return {mean, std};
}

}  // namespace

torch::Tensor log_scale(const torch::Tensor& raw) {
  return torch::sign(raw) * torch::log1p(torch::abs(raw));
}

FeatureTransform FeatureTransform::fit(const std::vector<const PipelineGraph*>& train) {
  std::vector<torch::Tensor> algorithm, schedule;
  for (const auto* g : train) {
    algorithm.push_back(log_scale(g->algorithm));
    schedule.push_back(log_scale(g->schedules.reshape({-1, kScheduleFeatures})));
  }
  FeatureTransform t;
  std::tie(t.algorithm_mean, t.algorithm_std) = mean_and_std(torch::cat(algorithm));
  std::tie(t.schedule_mean, t.schedule_std) = mean_and_std(torch::cat(schedule));
  return t;
}

torch::Tensor FeatureTransform::algorithm(const torch::Tensor& raw) const {
  return (log_scale(raw) - algorithm_mean) / algorithm_std;
}

torch::Tensor FeatureTransform::schedule(const torch::Tensor& raw) const {
  return (log_scale(raw) - schedule_mean) / schedule_std;
}

}  // namespace gnnperf
