#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "dataset/store.h"
#include "graph/pipeline_graph.h"
#include "machine_choice.h"
#include "measure/cpu_affinity.h"
#include "measure/host_target.h"
#include "measure/stage_profile.h"
#include "measure/timing.h"
#include "models/gnn_cost_model.h"
#include "sampling/schedule_replay.h"

namespace gnnperf::cli {
namespace {

struct ProfileOptions {
  std::string db, model, stmt;
  int64_t schedule = 0, machine = 0;
  double seconds = 2;
  bool json = false;
};

struct FuncRow {
  std::string name;
  double measured = 0;    // share of the profiler's samples
  double predicted = -1;  // share of the model's cost; -1: no model, or not a stage
};

// The model's per-stage costs summed by Func (a Func's update definitions are stages of
// their own), as shares of the predicted runtime.
std::map<std::string, double> predicted_func_shares(const SchedulePrediction& p,
                                                    const StageGraph& graph) {
  std::map<std::string, double> shares;
  for (size_t k = 0; k < p.stage_cost_ms.size(); ++k)
    shares[graph.stages.at(k).func_name] += p.stage_cost_ms[k] / p.runtime_ms;
  return shares;
}

int profile(const ProfileOptions& o) {
  DatasetStore store(o.db, /*read_only=*/true);
  const auto stored = store.replayable_schedule(o.schedule, choose_machine(store, o.machine));
  if (!stored)
    throw std::invalid_argument(
        fmt::format("no timed schedule with id {} in '{}'", o.schedule, o.db));
  std::unique_ptr<GnnCostModel> model;
  if (!o.model.empty()) model = GnnCostModel::load(o.model);

  // As when it was timed: the same thread count, on the CPUs timings use.
  setenv("HL_NUM_THREADS", std::to_string(stored->params.parallelism).c_str(), 1);
  const Halide::Target target = host_target();
  ScheduledPipeline s =
      replay_schedule(stored->pipeline_name, stored->params, stored->schedule_features, target);
  if (!o.stmt.empty()) {
    s.pipeline.compile_to_lowered_stmt(o.stmt, s.pipeline.infer_arguments(), Halide::Text, target);
  }
  std::map<std::string, double> predicted;
  double predicted_ms = 0;
  if (model) {
    const PipelineGraph g =
        unmeasured_graph(stored->pipeline_name, stored->family, s.graph, s.features);
    const SchedulePrediction p = model->predict(g, {0}).at(0);
    predicted = predicted_func_shares(p, s.graph);
    predicted_ms = p.runtime_ms;
  }
  const Halide::Target profiled = target.with_feature(Halide::Target::Profile);
  s.pipeline.compile_jit(profiled);
  pin_to_last_cpus(stored->params.parallelism);
  Halide::Realization outputs = prepare_run(s.pipeline, s.built, profiled);
  const StageProfile measured = profile_pipeline(s.pipeline, outputs, o.seconds);

  std::vector<FuncRow> rows;
  const std::vector<double> shares = measured.shares();
  for (size_t i = 0; i < shares.size(); ++i) {
    const std::string& name = measured.report.funcs[i].name;
    const auto it = predicted.find(name);
    rows.push_back({name, shares[i], it == predicted.end() ? -1.0 : it->second});
    if (it != predicted.end()) predicted.erase(it);
  }
  // Stages the profiler does not see (inlined into their consumers) still cost something
  // in the model's eyes.
  for (const auto& [name, share] : predicted) rows.push_back({name, 0.0, share});
  std::stable_sort(rows.begin(), rows.end(), [](const FuncRow& a, const FuncRow& b) {
    return std::max(a.measured, a.predicted) > std::max(b.measured, b.predicted);
  });

  if (o.json) {
    nlohmann::json funcs = nlohmann::json::array();
    for (const FuncRow& r : rows) {
      nlohmann::json f = {{"name", r.name},
                          {"measured_share", r.measured},
                          {"measured_ms", r.measured * measured.ms_per_run}};
      if (r.predicted >= 0) {
        f["predicted_share"] = r.predicted;
        f["predicted_ms"] = r.predicted * predicted_ms;
      }
      funcs.push_back(f);
    }
    nlohmann::json j = {{"schedule_id", o.schedule},
                        {"pipeline", stored->pipeline_name},
                        {"stored_ms", stored->runtime_ms},
                        {"profiled_ms_per_run", measured.ms_per_run},
                        {"runs", measured.report.runs},
                        {"samples", measured.report.samples},
                        {"funcs", funcs}};
    if (model) j["predicted_ms"] = predicted_ms;
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  fmt::print(
      "schedule {} of {}, autoscheduled again from its sampling parameters (same schedule "
      "features)\n",
      o.schedule, stored->pipeline_name);
  fmt::print("  stored     {:>10.4f} ms (fastest timing in the dataset)\n", stored->runtime_ms);
  fmt::print(
      "  profiled   {:>10.4f} ms per run with the profiler's instrumentation ({} runs, "
      "{} samples of 1 ms)\n",
      measured.ms_per_run, measured.report.runs, measured.report.samples);
  if (model) fmt::print("  predicted  {:>10.4f} ms by {}\n", predicted_ms, o.model);
  // A Func's measured time is its share of the samples times the profiled run.
  fmt::print("  {:<32} {:>18} {:>18}\n", "func", "measured ms", model ? "predicted ms" : "");
  for (const FuncRow& r : rows) {
    fmt::print("  {:<32} {:>10.4f} ({:>4.1f}%) {:>18}\n", r.name, r.measured * measured.ms_per_run,
               100 * r.measured,
               r.predicted >= 0 ? fmt::format("{:.4f} ({:>4.1f}%)", r.predicted * predicted_ms,
                                              100 * r.predicted)
                                : "");
  }
  if (measured.report.samples < 100)
    fmt::print("  few samples: the shares are rough; give --seconds more\n");
  return 0;
}

}  // namespace

void add_profile_command(CLI::App& app, Runner& run) {
  auto o = std::make_shared<ProfileOptions>();
  auto* p = app.add_subcommand(
      "profile", "Rebuild a stored schedule and measure where its time goes, by Func");
  p->add_option("--db", o->db, "SQLite dataset")->required();
  p->add_option("--schedule", o->schedule, "Schedule id (as `predict` lists them)")->required();
  p->add_option("--model", o->model, "GNN model: print its per-Func shares beside");
  p->add_option("--stmt", o->stmt, "Also write Halide's lowered statement to this file");
  p->add_option("--seconds", o->seconds, "How long to run under the profiler")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 3600.0));
  p->add_option("--machine", o->machine, "Whose timing to show (see `dataset info`)");
  p->add_flag("--json", o->json, "Print JSON (shares as fractions: 0.5 = 50%)");
  p->callback([&run, o] { run = [o] { return profile(*o); }; });
}

}  // namespace gnnperf::cli
