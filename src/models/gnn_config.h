// Hyperparameters of the GNN and its training, read from and written to JSON.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "models/gnn_readout.h"

namespace gnnperf {

struct GnnConfig {
  int hidden = 64;           // width of node embeddings
  int layers = 3;            // graph-convolution layers (K)
  int members = 4;           // independently initialized networks averaged (gnn_module.h)
  double rank_weight = 1.0;  // weight of the within-pipeline ranking loss
  double ape_weight = 0.0;   // weight of the absolute percentage error loss
  // What the readout predicts: per-unit costs multiplied by counts of work taken from the
  // schedule features, so that costs scale with layer sizes never trained on
  // (gnn_readout.h).
  Readout readout = Readout::per_point;
  double learning_rate = 2e-3;  // Adam's step size in the first epoch
  // The step size cosine-decays from learning_rate to this by the last epoch; equal to
  // learning_rate, it stays constant. A decayed step lets the last epochs settle where
  // a constant one keeps the validation MAPE jumping by ten points from epoch to epoch.
  double final_learning_rate = 2e-3;
  double weight_decay = 1e-5;
  int epochs = 200;
  int patience = 25;  // epochs without validation improvement before stopping
  // Keep the last epoch's network instead of the one with the lowest validation loss. With
  // a decayed step size the last epoch ranks and scores better on validation pipelines
  // than the lowest-loss one, whose squared log error follows a few badly predicted
  // pipelines (README, "Training").
  bool keep_last_epoch = false;
  int batch_schedules = 256;  // schedules per batch
  int part_schedules = 64;    // schedules of one pipeline per batch part (ranking pairs)

  // The step size of an epoch, counted from 1.
  double learning_rate_at(int epoch) const;

  nlohmann::json to_json() const;
  // Unknown keys and wrong types are errors naming the key.
  static GnnConfig from_json(const nlohmann::json& j);
  static GnnConfig from_file(const std::string& path);
};

}  // namespace gnnperf
