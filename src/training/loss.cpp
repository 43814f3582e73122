#include "training/loss.h"

#include <cmath>

namespace gnnperf {
namespace {

// Beyond a 20x over-prediction the APE term stops growing: its gradient grows with the
// ratio, and a freshly initialized network can be off by orders of magnitude. The
// log-squared term still pulls such predictions in.
const double kMaxApeLogRatio = std::log(20.0);

}  // namespace

LossTerms cost_model_loss(const torch::Tensor& predicted_ms, const torch::Tensor& measured_ms,
                          const torch::Tensor& graph_part, const LossWeights& weights) {
  const auto log_pred = torch::log(predicted_ms);
  const auto log_true = torch::log(measured_ms.to(predicted_ms.scalar_type()));
  LossTerms t;
  t.regression = (log_pred - log_true).pow(2).mean();
  t.ape = ((log_pred - log_true).clamp_max(kMaxApeLogRatio).exp() - 1).abs().mean();
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
  std::vector<torch::Tensor> total, regression, ranking, ape;
  for (int64_t m = 0; m < member_predicted_ms.size(0); ++m) {
    LossTerms t = cost_model_loss(member_predicted_ms[m], measured_ms, graph_part, weights);
    total.push_back(t.total);
    regression.push_back(t.regression);
    ranking.push_back(t.ranking);
    ape.push_back(t.ape);
  }
  return {torch::stack(total).mean(), torch::stack(regression).mean(), torch::stack(ranking).mean(),
          torch::stack(ape).mean()};
}

}  // namespace gnnperf
