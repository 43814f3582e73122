#include "training/loss.h"

#include <cmath>

namespace gnnperf {
namespace {

// Beyond a 20x over-prediction the APE term stops growing: its gradient grows with the
// ratio, and a freshly initialized network can be off by orders of magnitude. The
// log-squared term still pulls such predictions in.
const double kMaxApeLogRatio = std::log(20.0);

// Twice LibTorch's Huber loss, so that below the delta it equals the squared term.
torch::Tensor regression_term(const torch::Tensor& log_ratio, double huber_delta) {
  if (huber_delta <= 0) return log_ratio.pow(2).mean();
  return 2 * torch::huber_loss(log_ratio, torch::zeros_like(log_ratio), at::Reduction::Mean,
                               huber_delta);
}

}  // namespace

LossTerms cost_model_loss(const torch::Tensor& predicted_ms, const torch::Tensor& measured_ms,
                          const torch::Tensor& graph_part, const LossWeights& weights) {
  const auto log_pred = torch::log(predicted_ms);
  const auto log_true = torch::log(measured_ms.to(predicted_ms.scalar_type()));
  const auto log_ratio = log_pred - log_true;
  LossTerms t;
  t.regression = regression_term(log_ratio, weights.huber_delta);
  t.ape = (log_ratio.clamp_max(kMaxApeLogRatio).exp() - 1).abs().mean();
  // slower[i][j]: i and j belong to the same part and j is clearly slower than i.
  const auto same = graph_part.unsqueeze(1) == graph_part.unsqueeze(0);
  const auto slower = same & (log_true.unsqueeze(0) - log_true.unsqueeze(1) > std::log(1.02));
  const auto margin = log_pred.unsqueeze(0) - log_pred.unsqueeze(1);  // want > 0 where slower
  const auto pairs = slower.sum();
  t.ranking = pairs.item<int64_t>() > 0
                  ? torch::softplus(-margin).masked_select(slower).sum() / pairs
                  : torch::zeros({}, predicted_ms.options());
  t.total = t.regression + weights.rank * t.ranking + weights.ape * t.ape;
  return t;
}

LossTerms ensemble_loss(const torch::Tensor& member_predicted_ms, const torch::Tensor& measured_ms,
                        const torch::Tensor& graph_part, const LossWeights& weights) {
  std::vector<LossTerms> members;
  for (int64_t m = 0; m < member_predicted_ms.size(0); ++m)
    members.push_back(cost_model_loss(member_predicted_ms[m], measured_ms, graph_part, weights));
  auto mean = [&](torch::Tensor LossTerms::*term) {
    std::vector<torch::Tensor> values;
    for (const auto& t : members) values.push_back(t.*term);
    return torch::stack(values).mean();
  };
  return {mean(&LossTerms::total), mean(&LossTerms::regression), mean(&LossTerms::ranking),
          mean(&LossTerms::ape)};
}

}  // namespace gnnperf
