// The trained GNN as a CostModel, and its model file.
//
// Model file (a LibTorch archive): format tag and file version, feature-layout version,
// config (JSON), feature-transform statistics, training record (JSON: split, metrics,
// seed), and the module's parameters. Loading checks each and fails with one line.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "graph/feature_transform.h"
#include "models/cost_model.h"
#include "models/gnn_config.h"
#include "models/gnn_module.h"

namespace gnnperf {

// 2: an ensemble of members; 3: per_point, on by default (older configs lack the key);
// 4: `readout` replaces per_point, with the work-terms readout added
inline constexpr int64_t kModelFileVersion = 4;

class ModelFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class GnnCostModel : public CostModel {
 public:
  GnnCostModel(GnnConfig config, FeatureTransform transform, GnnModule module,
               nlohmann::json record);

  static std::unique_ptr<GnnCostModel> load(const std::string& path);
  // Writes atomically (temporary file, then rename), so a crash never leaves half a model.
  void save(const std::string& path) const;

  std::string name() const override { return "gnn"; }
  std::vector<SchedulePrediction> predict(const PipelineGraph& pipeline,
                                          const std::vector<int64_t>& rows) const override;

  // Names of the work terms of SchedulePrediction::stage_term_shares.
  std::vector<std::string> term_names() const { return readout_term_names(config_.readout); }
  const GnnConfig& config() const { return config_; }
  const FeatureTransform& transform() const { return transform_; }
  const nlohmann::json& record() const { return record_; }
  GnnModule& module() { return module_; }

 private:
  GnnConfig config_;
  FeatureTransform transform_;
  GnnModule module_;
  nlohmann::json record_;
};

// Shared by model files and training checkpoints.
void write_model_parts(torch::serialize::OutputArchive& archive, const GnnConfig& config,
                       const FeatureTransform& transform, GnnModule& module,
                       const nlohmann::json& record);
std::unique_ptr<GnnCostModel> read_model_parts(torch::serialize::InputArchive& archive,
                                               const std::string& path);

}  // namespace gnnperf
