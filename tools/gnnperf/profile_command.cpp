#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands.h"
#include "dataset/store.h"
#include "graph/pipeline_graph.h"
#include "machine_choice.h"
#include "measure/cpu_affinity.h"
#include "measure/host_target.h"
#include "measure/stage_profile.h"
#include "measure/timing.h"
#include "measure/work_count.h"
#include "models/gnn_cost_model.h"
#include "sampling/schedule_replay.h"
#include "workloads/registry.h"

namespace gnnperf::cli {
namespace {

struct ProfileOptions {
  std::string db, model, stmt;
  int64_t schedule = 0, machine = 0;
  double seconds = 2;
  bool json = false;
};

// One Func: where the profiler and the model put its time, and how much work the code
// did against what the featurization counts.
struct FuncRow {
  std::string name;
  double measured = 0;              // share of the profiler's samples
  std::optional<double> predicted;  // share of the model's cost, if a model was given
  std::optional<FuncWork> work;     // counted by tracing; none for halide_malloc & co
  double featured_productions = 0;  // num_productions of its pure definition
  double featured_points = 0;       // points_computed_total over its definitions
};

// Rows for every Func of the profile, every stage of the schedule and every traced Func,
// largest measured or predicted share first.
std::vector<FuncRow> func_rows(const StageProfile& measured, const std::vector<FuncWork>& work,
                               const ScheduledPipeline& s,
                               const std::optional<SchedulePrediction>& prediction) {
  std::map<std::string, FuncRow> rows;
  auto row = [&](const std::string& name) -> FuncRow& {
    FuncRow& r = rows[name];
    r.name = name;
    return r;
  };
  const std::vector<double> shares = measured.shares();
  for (size_t i = 0; i < shares.size(); ++i)
    row(measured.report.funcs[i].name).measured = shares[i];
  for (const FuncWork& w : work) row(w.name).work = w;
  for (size_t k = 0; k < s.graph.stages.size(); ++k) {
    const StageNode& stage = s.graph.stages[k];
    FuncRow& r = row(stage.func_name);
    const float* f = s.features.schedule.data() + k * kScheduleFeatures;
    if (stage.definition == 0) r.featured_productions = f[kNumProductions];
    r.featured_points += f[kPointsComputedTotal];
    // A Func's update definitions are stages of their own for the model.
    if (prediction) {
      r.predicted = r.predicted.value_or(0) + prediction->stage_cost_ms[k] / prediction->runtime_ms;
    }
  }
  std::vector<FuncRow> out;
  for (auto& [name, r] : rows) out.push_back(r);
  std::stable_sort(out.begin(), out.end(), [](const FuncRow& a, const FuncRow& b) {
    return std::max(a.measured, a.predicted.value_or(0)) >
           std::max(b.measured, b.predicted.value_or(0));
  });
  return out;
}

nlohmann::json func_json(const FuncRow& r, double profiled_ms, double predicted_ms) {
  nlohmann::json f = {
      {"name", r.name}, {"measured_share", r.measured}, {"measured_ms", r.measured * profiled_ms}};
  if (r.predicted) {
    f["predicted_share"] = *r.predicted;
    f["predicted_ms"] = *r.predicted * predicted_ms;
  }
  if (r.work) {
    f["productions"] = r.work->productions;
    f["stored_values"] = r.work->stored_values;
    f["featured_productions"] = r.featured_productions;
    f["featured_points"] = r.featured_points;
  }
  return f;
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
  std::optional<SchedulePrediction> prediction;
  if (model) {
    const auto values =
        model->config().value_features
            ? measure_value_features(find_workload(stored->pipeline_name), target).features
            : std::vector<float>{};
    prediction = model
                     ->predict(unmeasured_graph(stored->pipeline_name, stored->family, s.graph,
                                                s.features, s.schedule.schedule_source, values),
                               {0})
                     .at(0);
  }
  const Halide::Target profiled = target.with_feature(Halide::Target::Profile);
  s.pipeline.compile_jit(profiled);
  pin_to_last_cpus(stored->params.parallelism);
  Halide::Realization outputs = prepare_run(s.pipeline, s.built, profiled);
  const StageProfile measured = profile_pipeline(s.pipeline, outputs, o.seconds);
  const std::vector<FuncWork> work =
      count_work(s.pipeline, s.built.output_funcs(), outputs, target);
  const std::vector<FuncRow> rows = func_rows(measured, work, s, prediction);
  const double predicted_ms = prediction ? prediction->runtime_ms : 0;

  if (o.json) {
    nlohmann::json funcs = nlohmann::json::array();
    for (const FuncRow& r : rows) funcs.push_back(func_json(r, measured.ms_per_run, predicted_ms));
    nlohmann::json j = {{"schedule_id", o.schedule},
                        {"pipeline", stored->pipeline_name},
                        {"stored_ms", stored->runtime_ms},
                        {"profiled_ms_per_run", measured.ms_per_run},
                        {"runs", measured.report.runs},
                        {"samples", measured.report.samples},
                        {"funcs", funcs}};
    if (prediction) j["predicted_ms"] = predicted_ms;
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
  if (prediction) fmt::print("  predicted  {:>10.4f} ms by {}\n", predicted_ms, o.model);
  // A Func's measured time is its share of the samples times the profiled run. Work is
  // counted in one traced run; the featurization's counts are in parentheses.
  fmt::print("  {:<28} {:>17} {:>17} {:>22} {:>28}\n", "func", "measured ms",
             prediction ? "predicted ms" : "", "productions (features)", "values stored (points)");
  for (const FuncRow& r : rows) {
    fmt::print(
        "  {:<28} {:>9.4f} ({:>4.1f}%) {:>17} {:>22} {:>28}\n", r.name,
        r.measured * measured.ms_per_run, 100 * r.measured,
        r.predicted
            ? fmt::format("{:.4f} ({:>4.1f}%)", *r.predicted * predicted_ms, 100 * *r.predicted)
            : "",
        r.work ? fmt::format("{} ({:.0f})", r.work->productions, r.featured_productions) : "",
        r.work ? fmt::format("{} ({:.0f})", r.work->stored_values, r.featured_points) : "");
  }
  if (measured.report.samples < 100)
    fmt::print("  few samples: the shares are rough; give --seconds more\n");
  return 0;
}

}  // namespace

void add_profile_command(CLI::App& app, Runner& run) {
  auto o = std::make_shared<ProfileOptions>();
  auto* p = app.add_subcommand(
      "profile",
      "Rebuild a stored schedule and measure where its time goes and how much work each "
      "Func does");
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
