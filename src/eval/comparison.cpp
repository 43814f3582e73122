#include "eval/comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>
#include <stdexcept>

#include "baselines/baseline_registry.h"
#include "eval/evaluate.h"

namespace gnnperf {
namespace {

// The pipelines the GNN trained on (side "train") or stopped early on ("validation"), by
// the names its model file records, so that the baselines learn from exactly the same
// data even when the dataset has grown since. None may be a test pipeline of `rule`.
std::vector<const PipelineGraph*> recorded_pipelines(const GnnCostModel& gnn, const char* side,
                                                     const std::vector<PipelineGraph>& graphs,
                                                     const SplitRule& rule) {
  std::map<std::string, const PipelineGraph*> by_name;
  for (const auto& g : graphs) by_name[g.name] = &g;
  const auto& split = gnn.record().value("split", nlohmann::json::object());
  std::vector<const PipelineGraph*> out;
  for (const auto& n : split.value(side, nlohmann::json::array())) {
    const auto name = n.get<std::string>();
    const auto it = by_name.find(name);
    if (it == by_name.end()) {
      throw std::invalid_argument(fmt::format(
          "model/DB mismatch: the model trained on pipeline '{}', which this dataset lacks", name));
    }
    if (rule.of(it->second->name, it->second->family) == Split::kTest) {
      throw std::invalid_argument(fmt::format(
          "the model trained on '{}', which split '{}' holds out for testing; train a model "
          "with `gnnperf train --split {}`",
          name, rule.spec(), rule.spec()));
    }
    out.push_back(it->second);
  }
  if (out.empty()) {
    throw std::invalid_argument(
        fmt::format("model/DB mismatch: the model records no {} pipelines", side));
  }
  return out;
}

ModelEvaluation evaluate_model(const CostModel& model,
                               const std::vector<const PipelineGraph*>& test) {
  ModelEvaluation e;
  e.model = model.name();
  e.absolute = model.predicts_absolute_time();
  e.results = evaluate(model, test);
  e.metrics = compute_metrics(e.results);
  return e;
}

// Per-stage shares of the GNN's prediction for the schedule it ranks first, on the test
// pipeline with the most stages: where the model thinks the time goes.
nlohmann::json stage_shares(const GnnCostModel& gnn,
                            const std::vector<const PipelineGraph*>& test) {
  if (test.empty()) return nullptr;
  const auto* g = *std::max_element(test.begin(), test.end(),
                                    [](auto* a, auto* b) { return a->num_stages < b->num_stages; });
  const auto predictions = gnn.predict(*g, g->all_rows());
  const auto best = std::min_element(predictions.begin(), predictions.end(),
                                     [](auto& a, auto& b) { return a.runtime_ms < b.runtime_ms; });
  const size_t row = static_cast<size_t>(best - predictions.begin());
  nlohmann::json stages = nlohmann::json::array();
  for (size_t s = 0; s < best->stage_cost_ms.size(); ++s) {
    stages.push_back(
        {{"name", g->stage_names[s]}, {"share", best->stage_cost_ms[s] / best->runtime_ms}});
  }
  return {{"pipeline", g->name},
          {"schedule_id", g->schedule_ids[row]},
          {"predicted_ms", best->runtime_ms},
          {"measured_ms", g->runtimes_ms[static_cast<int64_t>(row)].item<double>()},
          {"stages", stages}};
}

}  // namespace

Comparison compare_models(const GnnCostModel& gnn, const std::vector<PipelineGraph>& graphs,
                          const ComparisonOptions& o) {
  BaselineTrainingSet set;
  set.train = recorded_pipelines(gnn, "train", graphs, o.split);
  set.validation = recorded_pipelines(gnn, "validation", graphs, o.split);
  Comparison c;
  c.split = o.split.spec();
  c.noise_floor_ape = o.noise_floor_ape;
  c.test = pipelines_in(graphs, o.split, Split::kTest);
  if (c.test.empty()) {
    throw std::invalid_argument(fmt::format("split '{}' leaves no test pipeline", c.split));
  }
  c.split_test_pipelines = c.test.size();
  if (o.scored) {
    c.scored_spec = o.scored->spec();
    std::erase_if(c.test, [&](const PipelineGraph* g) { return !o.scored->matches(g->name); });
    if (c.test.empty()) {
      throw std::invalid_argument(
          fmt::format("none of the {} test pipelines of split '{}' matches '{}'",
                      c.split_test_pipelines, c.split, *c.scored_spec));
    }
  }
  c.models.push_back(evaluate_model(gnn, c.test));
  c.models.back().train_seconds = gnn.record().value("train_seconds", 0.0);
  c.stage_shares = stage_shares(gnn, c.test);

  set.epochs = gnn.record().value("epochs_run", gnn.config().epochs);
  set.seed = gnn.record().value("seed", uint64_t{1});
  set.parallelism = o.parallelism;
  set.progress = o.progress;
  for (const auto& name : o.baselines) {
    if (o.progress) o.progress(fmt::format("{}: training", name));
    const auto start = std::chrono::steady_clock::now();
    const auto model = make_baseline(name, set);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    c.models.push_back(evaluate_model(*model, c.test));
    c.models.back().train_seconds = seconds;
  }
  const double gnn_mape = c.models.front().metrics.mape;
  for (auto& m : c.models) {
    if (m.absolute && gnn_mape > 0) m.mape_over_gnn = m.metrics.mape / gnn_mape;
  }
  return c;
}

nlohmann::json to_json(const Comparison& c) {
  nlohmann::json models = nlohmann::json::object(), predictions = nlohmann::json::object();
  const nlohmann::json noise_floor =
      c.noise_floor_ape ? nlohmann::json(*c.noise_floor_ape) : nlohmann::json(nullptr);
  for (const auto& m : c.models) {
    auto j = to_json(m.metrics, m.absolute);
    j["noise_floor_ape"] = noise_floor;
    j["mape_over_gnn"] =
        m.mape_over_gnn ? nlohmann::json(*m.mape_over_gnn) : nlohmann::json(nullptr);
    j["train_seconds"] = m.train_seconds;
    models[m.model] = j;
    nlohmann::json per_pipeline = nlohmann::json::array();
    for (const auto& r : m.results) per_pipeline.push_back(r.predicted_ms);
    predictions[m.model] = per_pipeline;
  }
  nlohmann::json pipelines = nlohmann::json::array();
  for (size_t i = 0; i < c.test.size(); ++i) {
    pipelines.push_back({{"name", c.test[i]->name},
                         {"family", c.test[i]->family},
                         {"measured_ms", c.models.front().results[i].measured_ms}});
  }
  return {{"split", c.split},
          {"scored_pipelines",
           c.scored_spec ? nlohmann::json(*c.scored_spec) : nlohmann::json(nullptr)},
          {"noise_floor_ape", noise_floor},
          {"models", models},
          {"test_pipelines", pipelines},
          {"predictions", predictions},
          {"stage_shares", c.stage_shares}};
}

}  // namespace gnnperf
