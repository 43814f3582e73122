// The interface every cost model implements: the GNN, and the baselines it is judged
// against. Implementations must allow concurrent predict() calls from several threads.
#pragma once

#include <string>
#include <vector>

#include "graph/pipeline_graph.h"

namespace gnnperf {

struct SchedulePrediction {
  double runtime_ms = 0;
  std::vector<double> stage_cost_ms;  // per stage, in featurization order; may be empty
};

class CostModel {
 public:
  virtual ~CostModel() = default;
  virtual std::string name() const = 0;
  // False for a model that only ranks schedules (its runtime_ms only orders them).
  virtual bool predicts_absolute_time() const { return true; }
  // Predicts the schedules `rows` (rows of pipeline.schedules) of one pipeline.
  virtual std::vector<SchedulePrediction> predict(const PipelineGraph& pipeline,
                                                  const std::vector<int64_t>& rows) const = 0;
};

}  // namespace gnnperf
