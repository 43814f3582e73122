// Accuracy metrics of a cost model on held-out pipelines. Errors are fractions
// (0.05 = 5%).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace gnnperf {

// Predicted and measured runtimes of the schedules of one pipeline.
struct PipelineResult {
  std::vector<double> predicted_ms, measured_ms;
};

struct Metrics {
  double mape = 0;  // mean |predicted - measured| / measured over schedules
  double median_ape = 0;
  double kendall_tau = 0;  // Kendall tau-b within each pipeline, averaged over pipelines
  double top1_score = 0;   // fastest measured / measured of the model's first pick, averaged
  int64_t schedules = 0;
  int64_t pipelines = 0;
};

// Kendall's tau-b (ties in either ranking are not counted as concordant or discordant);
// 0 when either side has no two distinct values.
double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b);

// Pipelines with fewer than two schedules count for MAPE but not for tau or top-1.
Metrics compute_metrics(const std::vector<PipelineResult>& results);

nlohmann::json to_json(const Metrics& m);

}  // namespace gnnperf
