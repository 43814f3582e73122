#include "training/loss.h"

namespace gnnperf {

LossTerms cost_model_loss(const torch::Tensor& predicted_ms, const torch::Tensor& measured_ms,
                          const torch::Tensor& graph_part, double rank_weight) {
  const auto log_pred = torch::log(predicted_ms);
  const auto log_true = torch::log(measured_ms.to(predicted_ms.scalar_type()));
  LossTerms t;
  t.regression = (log_pred - log_true).pow(2).mean();
  // slower[i][j]: i and j belong to the same part and j is clearly slower than i.
  const auto same = graph_part.unsqueeze(1) == graph_part.unsqueeze(0);
  const auto slower = same & (log_true.unsqueeze(0) - log_true.unsqueeze(1) > std::log(1.02));
  const auto margin = log_pred.unsqueeze(0) - log_pred.unsqueeze(1);  // want > 0 where slower
  const auto pairs = slower.sum();
  t.ranking = pairs.item<int64_t>() > 0
                  ? torch::softplus(-margin).masked_select(slower).sum() / pairs
                  : torch::zeros({}, predicted_ms.options());
  t.total = t.regression + rank_weight * t.ranking;
  return t;
}

LossTerms ensemble_loss(const torch::Tensor& member_predicted_ms, const torch::Tensor& measured_ms,
                        const torch::Tensor& graph_part, double rank_weight) {
  std::vector<torch::Tensor> total, regression, ranking;
  for (int64_t m = 0; m < member_predicted_ms.size(0); ++m) {
    LossTerms t = cost_model_loss(member_predicted_ms[m], measured_ms, graph_part, rank_weight);
    total.push_back(t.total);
    regression.push_back(t.regression);
    ranking.push_back(t.ranking);
  }
  return {torch::stack(total).mean(), torch::stack(regression).mean(),
          torch::stack(ranking).mean()};
}

}  // namespace gnnperf
