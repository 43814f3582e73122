// The training loss, shaped by what a compiler needs from a cost model: relative
// accuracy (squared error of log runtime, so a 2x miss costs the same at 10 us as at
// 10 s) and the right order among schedules of the same pipeline (a logistic loss over
// every pair of schedules of one batch part whose measured runtimes differ by > 2%).
#pragma once

#include <torch/torch.h>

namespace gnnperf {

struct LossTerms {
  torch::Tensor total, regression, ranking;
};

LossTerms cost_model_loss(const torch::Tensor& predicted_ms, const torch::Tensor& measured_ms,
                          const torch::Tensor& graph_part, double rank_weight);

// The mean of cost_model_loss over the rows of `member_predicted_ms` [members, graphs]:
// each member of an ensemble learns from its own predictions.
LossTerms ensemble_loss(const torch::Tensor& member_predicted_ms, const torch::Tensor& measured_ms,
                        const torch::Tensor& graph_part, double rank_weight);

}  // namespace gnnperf
