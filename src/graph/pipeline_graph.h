// Pipelines as graphs for learning: a stage graph, the algorithm features of its stages
// (one copy per pipeline, shared by all its schedules) and its timed schedules.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dataset/store.h"
#include "features/featurization.h"
#include "features/schedule_structure.h"
#include "features/stage_graph.h"
#include "features/value_features.h"

namespace gnnperf {

struct PipelineGraph {
  int64_t id = 0;
  std::string name, family;
  int num_stages = 0;
  std::vector<std::pair<int, int>> edges;  // producer -> consumer stage
  std::vector<std::string> stage_names;
  torch::Tensor algorithm;    // [stages, 287] raw features, float32
  torch::Tensor schedules;    // [schedules, stages, 39] raw features, float32
  torch::Tensor structure;    // [schedules, stages, kStructureFeatures] 0 or 1, float32
  torch::Tensor values;       // [stages, kValueFeatures] float32; undefined if never measured
  torch::Tensor runtimes_ms;  // [schedules] measured, float64
  std::vector<int64_t> schedule_ids;

  int64_t num_schedules() const { return static_cast<int64_t>(schedule_ids.size()); }
  // Every schedule row, 0 .. num_schedules() - 1: what predict() takes for all of them.
  std::vector<int64_t> all_rows() const;
};

// A pipeline outside any dataset with one schedule and no timing (runtime NaN): what a
// prediction for a new pipeline, such as an imported network's layer, starts from.
// `values`: its value features (measure_value_features), or empty if not measured.
PipelineGraph unmeasured_graph(const std::string& name, const std::string& family,
                               const StageGraph& graph, const SplitFeatures& features,
                               const std::string& schedule_source,
                               const std::vector<float>& values = {});

// Throws std::invalid_argument naming the pipeline if it has no value features, which a
// model that reads them cannot do without.
void require_value_features(const PipelineGraph& g);

// Loads every pipeline with timed schedules (of one machine if given; schedules found to
// compute wrong values left out), in id order.
// Throws DatasetError if the database lacks the tables gnnperf needs, or if its timings
// were taken with different thread counts, which would mix incomparable runtimes.
std::vector<PipelineGraph> load_pipeline_graphs(DatasetStore& store,
                                                std::optional<int64_t> machine_id);

}  // namespace gnnperf
