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
  // Per stage, each work term's share of the stage's cost (the GNN's readout,
  // gnn_readout.h): what the model thinks the time goes to. Empty for other models.
  std::vector<std::vector<double>> stage_term_shares;
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
