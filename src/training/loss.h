// The training loss, shaped by what a compiler needs from a cost model: relative
// accuracy (squared error of log runtime, so a 2x miss costs the same at 10 us as at
// 10 s), the right order among schedules of the same pipeline (a logistic loss over
// every pair of schedules of one batch part whose measured runtimes differ by > 2%), and
// optionally the absolute percentage error itself. Log-squared error is symmetric in the
// ratio, but a 5x over-prediction costs an APE of 4 and a 5x under-prediction 0.8: the
// APE term pulls uncertain predictions down to where MAPE, the headline metric, wants them.
// With a Huber delta the log term turns linear beyond |log ratio| = delta, so a few
// far-off schedules (features that cannot explain their runtime) pull the network less.
#pragma once

#include <torch/torch.h>

namespace gnnperf {

struct LossWeights {
  double rank = 1.0;  // weight of the ranking term
  double ape = 0.0;   // weight of the absolute percentage error term
  // 0: squared log error. Otherwise twice Huber's loss of the log ratio: r^2 up to
  // |r| = delta, 2 delta |r| - delta^2 beyond (the same value and slope at delta).
  double huber_delta = 0.0;
};

struct LossTerms {
  torch::Tensor total, regression, ranking, ape;
};

LossTerms cost_model_loss(const torch::Tensor& predicted_ms, const torch::Tensor& measured_ms,
                          const torch::Tensor& graph_part, const LossWeights& weights);

// The mean of cost_model_loss over the rows of `member_predicted_ms` [members, graphs]:
// each member of an ensemble learns from its own predictions.
LossTerms ensemble_loss(const torch::Tensor& member_predicted_ms, const torch::Tensor& measured_ms,
                        const torch::Tensor& graph_part, const LossWeights& weights);

}  // namespace gnnperf
