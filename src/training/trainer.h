// Trains the GNN: split by pipeline, fit feature statistics on the training split,
// Adam with early stopping on the validation loss, a checkpoint after every epoch.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "eval/metrics.h"
#include "graph/pipeline_graph.h"
#include "models/gnn_cost_model.h"
#include "training/split.h"

namespace gnnperf {

struct EpochReport {
  int epoch = 0, epochs = 0;
  double learning_rate = 0;
  double loss = 0, regression = 0, ranking = 0, ape = 0;  // training, mean over batches
  double validation_loss = 0;
  Metrics validation;
  double seconds = 0;
  bool improved = false;
};

struct TrainOptions {
  std::string model_path;  // the checkpoint is model_path + ".ckpt"
  GnnConfig config;
  SplitRule split;
  uint64_t seed = 1;
  bool resume = false;
  std::string dataset;  // recorded in the model
  std::function<void(const EpochReport&)> on_epoch;
};

struct TrainResult {
  // The kept epoch's (the best or, with keep_last_epoch, the last), also saved to
  // model_path.
  std::unique_ptr<GnnCostModel> model;
  Metrics validation, test;
  int epochs_run = 0, kept_epoch = 0;
  double seconds = 0;
};

// Throws std::invalid_argument when a split would be empty.
TrainResult train_gnn(const std::vector<PipelineGraph>& graphs, const TrainOptions& options);

}  // namespace gnnperf
