// `gnnperf eval`: the GNN and the baselines judged on the same held-out pipelines.
//
// The split is the one the GNN was trained with (recorded in its model file); each
// baseline trains on the GNN's own training and validation pipelines (Halide's model
// with the GNN's epoch budget; XGBoost by its own early stopping), then every model
// predicts every schedule of every test pipeline.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "eval/metrics.h"
#include "graph/pipeline_graph.h"
#include "models/gnn_cost_model.h"
#include "training/split.h"

namespace gnnperf {

struct ModelEvaluation {
  std::string model;
  bool absolute = true;  // false: the model only ranks (its errors are not reported)
  Metrics metrics;
  std::vector<PipelineResult> results;  // one per test pipeline, in Comparison order
  std::optional<double> mape_over_gnn;  // absolute models, when the GNN's MAPE is not 0
  double train_seconds = 0;
};

struct Comparison {
  std::string split;
  std::vector<const PipelineGraph*> test;
  // Mean APE of re-timings against first timings; empty when nothing was re-timed.
  std::optional<double> noise_floor_ape;
  std::vector<ModelEvaluation> models;  // the GNN first
  nlohmann::json stage_shares;          // the GNN's per-stage shares on one test pipeline
};

struct ComparisonOptions {
  std::vector<std::string> baselines;  // names from baselines/baseline_registry.h
  SplitRule split;
  int parallelism = 1;  // threads of the timings
  std::optional<double> noise_floor_ape;
  std::function<void(const std::string&)> progress;
};

// Throws std::invalid_argument when the model does not belong to these pipelines: it
// trained on one the dataset lacks, or on one that `split` puts on the test side.
Comparison compare_models(const GnnCostModel& gnn, const std::vector<PipelineGraph>& graphs,
                          const ComparisonOptions& options);

// Errors as fractions. Per model: mape, median_ape, rmse_log, kendall_tau, pairwise_acc,
// top1_score, top5_score, noise_floor_ape (null when unmeasured), mape_over_gnn; plus every
// prediction.
nlohmann::json to_json(const Comparison& c);

}  // namespace gnnperf
