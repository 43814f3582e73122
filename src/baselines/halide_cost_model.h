// Halide's own Adams2019 cost model as a baseline: the AOT-compiled network shipped in
// Debian's libautoschedule_adams2019.so, called directly.
//
// The plugin exports `cost_model` (inference) and `train_cost_model` (one ADAM step),
// each with an argv-style entry (`*_argv`) and self-describing metadata (`*_metadata`).
// The plugin is dlopen'ed once per process; its metadata is checked argument by
// argument (name, kind, type, rank, and the extents it declares) and arguments are
// passed by name, so a plugin built differently fails with a clear error instead of
// computing garbage.
//
// What the network computes (Halide 14, cost_model_generator.cpp): per stage a
// hand-designed sum of terms over the schedule features whose coefficients come from
// the network, times 1e-9, summed over stages. Its unit is whatever runtimes it was
// trained on: Halide's retraining fits it to `.sample` runtimes, which are milliseconds,
// so predictions are nominally milliseconds. For the stock weights this is Halide's
// training data on Halide's machines, not this one: only the ranking is meaningful.
// Per-stage costs are internal to the pipeline, so stage_cost_ms is left empty.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "baselines/baseline_training.h"
#include "baselines/halide_weights.h"
#include "models/cost_model.h"

namespace gnnperf {

inline constexpr const char* kAdams2019PluginPath =
    "/usr/lib/x86_64-linux-gnu/halide14/libautoschedule_adams2019.so";

// Loads the plugin and checks both pipelines' metadata; a no-op after the first success.
// Throws std::runtime_error if the plugin is missing or its pipelines differ from what
// this code was written for.
void load_halide_cost_model_library();

class HalideCostModel : public CostModel {
 public:
  // `parallelism` is the core count the model is told (Adams2019's num_cores), as the
  // autoscheduler tells it MachineParams::parallelism. Throws std::invalid_argument for
  // bad weights or parallelism, std::runtime_error if the plugin cannot be used.
  HalideCostModel(HalideWeights weights, int parallelism, std::string name);

  // Halide's stock weights (see halide_weights.h), named "halide-stock".
  static HalideCostModel stock(const std::string& weights_path, int parallelism);

  // Retrains from random weights (random_halide_weights(set.seed)) the way Halide's
  // retrain_cost_model does: every epoch visits the training pipelines in a seeded
  // shuffled order and takes exactly one ADAM step (train_cost_model) per batch of one
  // pipeline's schedules, with Halide's loss (squared error of throughput relative to
  // the batch's fastest schedule). Pipelines with more than kMaxTrainBatch schedules are
  // split into several batches. Unlike retrain_cost_model it keeps pipelines with fewer
  // than 8 schedules and does not deduplicate schedules. The weights of the epoch with
  // the lowest validation loss (mean_loss) are kept; with no validation pipelines, the
  // last epoch's. Reports "epoch E/N loss L val V" per epoch through set.progress, where
  // L is the mean per schedule of train_cost_model's loss output during the epoch
  // (it includes Halide's 1e-5 regularizer) and V is mean_loss on set.validation ("-"
  // if empty). Named "halide-retrained". Halide's default learning rate is 1e-4.
  static HalideCostModel retrained(const BaselineTrainingSet& set, double learning_rate = 1e-4);

  static constexpr int kMaxTrainBatch = 256;
  static constexpr int kMaxPredictBatch = 1024;  // DefaultCostModel's batch

  std::string name() const override { return name_; }

  // Thread-safe: each call has its own buffers; the weights are only read.
  std::vector<SchedulePrediction> predict(const PipelineGraph& pipeline,
                                          const std::vector<int64_t>& rows) const override;

  // Halide's training loss without its regularizer, averaged over every schedule of
  // `pipelines`: for each schedule (r_best / max(p, 1e-10 r_best) - r_best / r)^2, with
  // p the prediction, r the measured runtime and r_best the pipeline's fastest runtime.
  double mean_loss(const std::vector<const PipelineGraph*>& pipelines) const;

 private:
  HalideWeights weights_;  // never modified after construction
  int parallelism_;
  std::string name_;
};

}  // namespace gnnperf
