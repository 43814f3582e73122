#include "graph/pipeline_graph.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <limits>
#include <map>
#include <numeric>

namespace gnnperf {

std::vector<int64_t> PipelineGraph::all_rows() const {
  std::vector<int64_t> rows(static_cast<size_t>(num_schedules()));
  std::iota(rows.begin(), rows.end(), int64_t{0});
  return rows;
}

std::vector<PipelineGraph> load_pipeline_graphs(DatasetStore& store,
                                                std::optional<int64_t> machine_id) {
  if (const auto threads = store.thread_counts(machine_id); threads.size() > 1) {
    throw DatasetError(
        fmt::format("'{}' mixes timings taken with {} Halide threads; learn from one setting",
                    store.path(), fmt::join(threads, " and ")));
  }
  std::vector<PipelineGraph> graphs;
  std::map<int64_t, size_t> index;
  for (auto& p : store.pipelines(machine_id)) {
    PipelineGraph g;
    g.id = p.id;
    g.name = p.name;
    g.family = p.family;
    g.num_stages = p.num_stages;
    g.edges = p.edges;
    g.stage_names = p.stage_names;
    g.algorithm =
        torch::from_blob(p.algorithm.data(), {p.num_stages, kAlgorithmFeatures}, torch::kFloat32)
            .clone();
    if (p.values.size() == static_cast<size_t>(p.num_stages) * kValueFeatures) {
      g.values = torch::from_blob(p.values.data(), {p.num_stages, kValueFeatures}, torch::kFloat32)
                     .clone();
    } else if (!p.values.empty()) {
      throw DatasetError(fmt::format("'{}': pipeline '{}' has {} value features for {} stages",
                                     store.path(), p.name, p.values.size(), p.num_stages));
    }
    index[p.id] = graphs.size();
    graphs.push_back(std::move(g));
  }
  std::vector<std::vector<float>> features(graphs.size()), structure(graphs.size());
  std::vector<std::vector<double>> runtimes(graphs.size());
  for (const auto& s : store.schedules(machine_id)) {
    const size_t i = index.at(s.pipeline_id);
    features[i].insert(features[i].end(), s.schedule.begin(), s.schedule.end());
    const auto facts = schedule_structure(s.schedule_source, graphs[i].stage_names);
    structure[i].insert(structure[i].end(), facts.begin(), facts.end());
    runtimes[i].push_back(s.runtime_ms);
    graphs[i].schedule_ids.push_back(s.schedule_id);
  }
  std::vector<PipelineGraph> timed;  // pipelines whose every schedule computed wrong values go
  for (size_t i = 0; i < graphs.size(); ++i) {
    auto& g = graphs[i];
    const auto n = static_cast<int64_t>(runtimes[i].size());
    if (n == 0) continue;
    g.schedules =
        torch::from_blob(features[i].data(), {n, g.num_stages, kScheduleFeatures}, torch::kFloat32)
            .clone();
    g.structure = torch::from_blob(structure[i].data(), {n, g.num_stages, kStructureFeatures},
                                   torch::kFloat32)
                      .clone();
    g.runtimes_ms = torch::from_blob(runtimes[i].data(), {n}, torch::kFloat64).clone();
    timed.push_back(std::move(g));
  }
  return timed;
}

void require_value_features(const PipelineGraph& g) {
  if (!g.values.defined()) {
    throw std::invalid_argument(fmt::format(
        "pipeline '{}' has no value features, which the model reads: run `gnnperf dataset "
        "values --db FILE` on its dataset",
        g.name));
  }
}

PipelineGraph unmeasured_graph(const std::string& name, const std::string& family,
                               const StageGraph& graph, const SplitFeatures& features,
                               const std::string& schedule_source,
                               const std::vector<float>& values) {
  PipelineGraph g;
  g.name = name;
  g.family = family;
  g.num_stages = features.num_stages;
  g.edges = graph.edges;
  g.stage_names = graph.stage_names();
  auto floats = [](const std::vector<float>& v, const std::vector<int64_t>& shape) {
    return torch::tensor(v, torch::kFloat32).reshape(shape);
  };
  g.algorithm = floats(features.algorithm, {g.num_stages, kAlgorithmFeatures});
  g.schedules = floats(features.schedule, {1, g.num_stages, kScheduleFeatures});
  g.structure = floats(schedule_structure(schedule_source, g.stage_names),
                       {1, g.num_stages, kStructureFeatures});
  if (!values.empty()) g.values = floats(values, {g.num_stages, kValueFeatures});
  g.runtimes_ms = torch::full({1}, std::numeric_limits<double>::quiet_NaN(), torch::kFloat64);
  g.schedule_ids = {0};
  return g;
}

}  // namespace gnnperf
