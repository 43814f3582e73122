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
  LossTerms sum;
  const int64_t members = member_predicted_ms.size(0);
  for (int64_t m = 0; m < members; ++m) {
    const LossTerms t =
        cost_model_loss(member_predicted_ms[m], measured_ms, graph_part, rank_weight);
    sum.total = m == 0 ? t.total : sum.total + t.total;
    sum.regression = m == 0 ? t.regression : sum.regression + t.regression;
    sum.ranking = m == 0 ? t.ranking : sum.ranking + t.ranking;
  }
  const double n = static_cast<double>(members);
  return {sum.total / n, sum.regression / n, sum.ranking / n};
}

}  // namespace gnnperf
