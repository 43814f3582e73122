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
#include "util/name_globs.h"

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
  std::vector<const PipelineGraph*> test;  // the scored test pipelines
  // Set when ComparisonOptions::scored chose `test` among more test pipelines.
  std::optional<std::string> scored_spec;
  size_t split_test_pipelines = 0;  // the split's test pipelines, scored or not
  // Mean APE of re-timings against first timings; empty when nothing was re-timed.
  std::optional<double> noise_floor_ape;
  std::vector<ModelEvaluation> models;  // the GNN first
  nlohmann::json stage_shares;          // the GNN's per-stage shares on one test pipeline
};

struct ComparisonOptions {
  std::vector<std::string> baselines;  // names from baselines/baseline_registry.h
  SplitRule split;
  // Scores only the test pipelines whose names match, e.g. those of an older snapshot,
  // so that models trained as the dataset grows are compared on the same pipelines.
  std::optional<NameGlobs> scored;
  int parallelism = 1;  // threads of the timings
  std::optional<double> noise_floor_ape;
  std::function<void(const std::string&)> progress;
};

// Throws std::invalid_argument when the model does not belong to these pipelines: it
// trained on one the dataset lacks, or on one that `split` puts on the test side; and
// when `scored` matches none of the test pipelines.
Comparison compare_models(const GnnCostModel& gnn, const std::vector<PipelineGraph>& graphs,
                          const ComparisonOptions& options);

// Errors as fractions. Per model: mape, median_ape, rmse_log, kendall_tau, pairwise_acc,
// top1_score, top5_score, noise_floor_ape (null when unmeasured), mape_over_gnn; plus every
// prediction, and the `scored` globs ("scored_pipelines", null when all were scored).
nlohmann::json to_json(const Comparison& c);

}  // namespace gnnperf
