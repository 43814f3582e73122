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
  // Absolute-error metrics, over all schedules.
  double mape = 0;  // mean |predicted - measured| / measured
  double median_ape = 0;
  double rmse_log = 0;  // root mean square of ln(predicted) - ln(measured)
  // Ranking metrics, within each pipeline, averaged over pipelines with two or more
  // schedules.
  double kendall_tau = 0;   // Kendall tau-b
  double pairwise_acc = 0;  // pairs of distinct measured runtimes ordered right; ties count 1/2
  double top1_score = 0;    // fastest measured / measured of the model's first pick
  double top5_score = 0;    // fastest measured / fastest measured among its first 5 picks
  int64_t schedules = 0;
  int64_t pipelines = 0;  // with two or more schedules
};

// Kendall's tau-b (ties in either ranking are not counted as concordant or discordant);
// 0 when either side has no two distinct values.
double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b);

// Fraction of pairs with distinct `measured` values that `predicted` orders the same way,
// a tie in `predicted` counting one half; 0.5 when no pair has distinct measured values.
double pairwise_accuracy(const std::vector<double>& predicted, const std::vector<double>& measured);

// Fastest measured runtime over the fastest measured among the k schedules the model
// predicts fastest (1 when that set holds the fastest schedule).
double top_k_score(const std::vector<double>& predicted, const std::vector<double>& measured,
                   size_t k);

Metrics compute_metrics(const std::vector<PipelineResult>& results);

// Errors as fractions. With absolute = false (a model that only ranks), the absolute-error
// metrics are null.
nlohmann::json to_json(const Metrics& m, bool absolute = true);

}  // namespace gnnperf
