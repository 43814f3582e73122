#include "models/gnn_cost_model.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "graph/graph_batch.h"

namespace gnnperf {
namespace {

constexpr const char* kFormatTag = "gnnperf-gnn";

std::string read_string(torch::serialize::InputArchive& a, const char* key) {
  c10::IValue v;
  a.read(key, v);
  return v.toStringRef();
}

int64_t read_int(torch::serialize::InputArchive& a, const char* key) {
  c10::IValue v;
  a.read(key, v);
  return v.toInt();
}

torch::Tensor read_tensor(torch::serialize::InputArchive& a, const char* key) {
  torch::Tensor t;
  a.read(key, t);
  return t;
}

}  // namespace

GnnCostModel::GnnCostModel(GnnConfig config, FeatureTransform transform, GnnModule module,
                           nlohmann::json record)
    : config_(config),
      transform_(std::move(transform)),
      module_(std::move(module)),
      record_(std::move(record)) {
  module_->eval();
}

void write_model_parts(torch::serialize::OutputArchive& a, const GnnConfig& config,
                       const FeatureTransform& t, GnnModule& module, const nlohmann::json& record) {
  a.write("format", c10::IValue(std::string(kFormatTag)));
  a.write("file_version", c10::IValue(kModelFileVersion));
  a.write("feature_layout_version", c10::IValue(kFeatureLayoutVersion));
  a.write("config", c10::IValue(config.to_json().dump()));
  a.write("record", c10::IValue(record.dump()));
  a.write("algorithm_mean", t.algorithm_mean);
  a.write("algorithm_std", t.algorithm_std);
  a.write("schedule_mean", t.schedule_mean);
  a.write("schedule_std", t.schedule_std);
  torch::serialize::OutputArchive parameters;
  module->save(parameters);
  a.write("module", parameters);
}

std::unique_ptr<GnnCostModel> read_model_parts(torch::serialize::InputArchive& a,
                                               const std::string& path) {
  std::string format;
  try {
    format = read_string(a, "format");
  } catch (const c10::Error&) {
  }
  if (format != kFormatTag)
    throw ModelFileError(fmt::format("'{}' is not a gnnperf model file", path));
  const int64_t version = read_int(a, "file_version");
  if (version != kModelFileVersion) {
    throw ModelFileError(
        fmt::format("model '{}' has file version {}; this gnnperf reads version {}", path, version,
                    kModelFileVersion));
  }
  const int64_t layout = read_int(a, "feature_layout_version");
  if (layout != kFeatureLayoutVersion) {
    throw ModelFileError(
        fmt::format("model '{}' was trained on feature layout {}; this gnnperf computes layout {}",
                    path, layout, kFeatureLayoutVersion));
  }
  auto config_json = nlohmann::json::parse(read_string(a, "config"));
  // Files written before the key existed hold only members with graph convolutions.
  if (!config_json.contains("local_members")) config_json["local_members"] = 0;
  // ... and were trained with the squared log error.
  if (!config_json.contains("huber_delta")) config_json["huber_delta"] = 0;
  // ... and had no schedule-source facts.
  if (!config_json.contains("schedule_structure")) config_json["schedule_structure"] = false;
  // ... nor value features.
  if (!config_json.contains("value_features")) config_json["value_features"] = false;
  const GnnConfig config = GnnConfig::from_json(config_json);
  FeatureTransform t;
  t.algorithm_mean = read_tensor(a, "algorithm_mean");
  t.algorithm_std = read_tensor(a, "algorithm_std");
  t.schedule_mean = read_tensor(a, "schedule_mean");
  t.schedule_std = read_tensor(a, "schedule_std");
  GnnModule module(config);
  torch::serialize::InputArchive parameters;
  a.read("module", parameters);
  module->load(parameters);
  return std::make_unique<GnnCostModel>(config, t, module,
                                        nlohmann::json::parse(read_string(a, "record")));
}

std::unique_ptr<GnnCostModel> GnnCostModel::load(const std::string& path) {
  if (!std::filesystem::is_regular_file(path))
    throw ModelFileError(fmt::format("model file '{}' does not exist", path));
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    return read_model_parts(archive, path);
  } catch (const c10::Error&) {
    throw ModelFileError(fmt::format("model file '{}' is truncated or corrupt", path));
  } catch (const nlohmann::json::exception&) {
    throw ModelFileError(fmt::format("model file '{}' is truncated or corrupt", path));
  }
}

void GnnCostModel::save(const std::string& path) const {
  torch::serialize::OutputArchive archive;
  auto module = module_;
  write_model_parts(archive, config_, transform_, module, record_);
  const std::string tmp = path + ".tmp";
  archive.save_to(tmp);
  std::filesystem::rename(tmp, path);
}

std::vector<SchedulePrediction> GnnCostModel::predict(const PipelineGraph& pipeline,
                                                      const std::vector<int64_t>& rows) const {
  // Inference mode is thread-local and the module is not mutated: concurrent calls are safe.
  c10::InferenceMode guard;
  if (config_.value_features) require_value_features(pipeline);
  const GraphBatch batch = make_batch({{&pipeline, rows}}, transform_);
  const GnnOutput out = const_cast<GnnModule&>(module_)->forward(batch);
  const auto runtime = out.runtime_ms.to(torch::kFloat64).contiguous();
  const auto stages =
      out.stage_cost_ms.to(torch::kFloat64).reshape({-1, pipeline.num_stages}).contiguous();
  const int64_t terms = out.term_share.size(1);
  const auto shares = out.term_share.to(torch::kFloat64).contiguous();
  const double* share = shares.data_ptr<double>();  // [schedule][stage][term]
  std::vector<SchedulePrediction> predictions(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto row = static_cast<int64_t>(i);
    predictions[i].runtime_ms = runtime[row].item<double>();
    const double* s = stages[row].data_ptr<double>();
    predictions[i].stage_cost_ms.assign(s, s + pipeline.num_stages);
    for (int64_t stage = 0; stage < pipeline.num_stages; ++stage, share += terms)
      predictions[i].stage_term_shares.emplace_back(share, share + terms);
  }
  return predictions;
}

}  // namespace gnnperf
