// Feature transforms: counts and sizes span many orders of magnitude, so every feature
// is log-scaled (sign(x) * log1p(|x|)) and then standardized with the mean and standard
// deviation of the training split only. The statistics travel in the model file.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "graph/pipeline_graph.h"

namespace gnnperf {

// Version of the node-feature layout a model was trained on: Adams2019's featurization
// (39 schedule + 287 algorithm features per stage) under the transform below.
inline constexpr int64_t kFeatureLayoutVersion = 1;

struct FeatureTransform {
  torch::Tensor algorithm_mean, algorithm_std;  // [287]
  torch::Tensor schedule_mean, schedule_std;    // [39]

  // Statistics over the stages of `train` (algorithm) and of all their schedules.
  static FeatureTransform fit(const std::vector<const PipelineGraph*>& train);

  torch::Tensor algorithm(const torch::Tensor& raw) const;  // [..., 287]
  torch::Tensor schedule(const torch::Tensor& raw) const;   // [..., 39]
};

torch::Tensor log_scale(const torch::Tensor& raw);

}  // namespace gnnperf
