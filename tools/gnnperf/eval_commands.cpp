// `gnnperf eval` (the GNN against the baselines on held-out pipelines) and
// `gnnperf report` (an HTML page of plots from eval's JSON).
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "baselines/baseline_registry.h"
#include "commands.h"
#include "eval/comparison.h"
#include "eval/report.h"
#include "machine_choice.h"
#include "training/split.h"

namespace gnnperf::cli {
namespace {

struct EvalOptions {
  std::string db, model, baselines, split, json_out, eval_json, out_dir;
  std::optional<std::string> pipelines;  // unset: every test pipeline is scored
  int64_t machine = 0;
};

std::string cell(const Metrics& m, double Metrics::*field, bool percent, bool shown) {
  if (!shown) return "-";
  return percent ? fmt::format("{:.1f}%", 100 * (m.*field)) : fmt::format("{:.3f}", m.*field);
}

void print_table(const Comparison& c) {
  fmt::print("{:<17} {:>8} {:>8} {:>8} {:>7} {:>8} {:>7} {:>7} {:>9} {:>8}\n", "model", "MAPE",
             "medAPE", "RMSElog", "tau", "pairwise", "top-1", "top-5", "MAPE/GNN", "train s");
  for (const auto& e : c.models) {
    const auto& m = e.metrics;
    const bool a = e.absolute;
    fmt::print("{:<17} {:>8} {:>8} {:>8} {:>7.3f} {:>8.3f} {:>7.3f} {:>7.3f} {:>9} {:>8.0f}\n",
               e.model, cell(m, &Metrics::mape, true, a), cell(m, &Metrics::median_ape, true, a),
               cell(m, &Metrics::rmse_log, false, a), m.kendall_tau, m.pairwise_acc, m.top1_score,
               m.top5_score, e.mape_over_gnn ? fmt::format("{:.2f}x", *e.mape_over_gnn) : "-",
               e.train_seconds);
  }
  const std::string scored = c.scored_spec ? fmt::format(" of {}, those matching '{}'",
                                                         c.split_test_pipelines, *c.scored_spec)
                                           : std::string();
  fmt::print(
      "{} test pipelines{}, {} schedules (split {}); noise floor {}; '-': the model only "
      "ranks schedules\n",
      c.test.size(), scored, c.models.front().metrics.schedules, c.split,
      c.noise_floor_ape ? fmt::format("{:.1f}% (mean APE of re-timings against first "
                                      "timings)",
                                      100 * *c.noise_floor_ape)
                        : std::string("unmeasured (no schedule was re-timed)"));
}

int run_eval(const EvalOptions& o) {
  const auto gnn = GnnCostModel::load(o.model);
  ComparisonOptions options;
  options.baselines = parse_baselines(o.baselines);
  const SplitRule trained_with = split_rule_of(gnn->record());
  options.split = o.split.empty() ? trained_with : SplitRule::parse(o.split);
  if (options.split.spec() != trained_with.spec()) {
    throw std::invalid_argument(fmt::format(
        "model '{}' was trained with split '{}', not '{}'; train one with `gnnperf train --split "
        "{}`",
        o.model, trained_with.spec(), options.split.spec(), options.split.spec()));
  }
  if (o.pipelines) options.scored.emplace(*o.pipelines);
  DatasetStore store(o.db, /*read_only=*/true);
  const auto machine = choose_machine(store, o.machine);
  const auto graphs = load_pipeline_graphs(store, machine);
  const auto threads = store.thread_counts(machine);
  options.parallelism = threads.empty() ? 1 : static_cast<int>(threads.front());
  const DatasetSummary summary = store.summary(machine);
  if (summary.repeat_pairs > 0) options.noise_floor_ape = summary.noise_mean_ape;
  options.progress = [](const std::string& line) { fmt::print(stderr, "[eval] {}\n", line); };
  const Comparison c = compare_models(*gnn, graphs, options);
  print_table(c);
  if (!o.json_out.empty()) {
    auto j = to_json(c);
    j["dataset"] = o.db;
    j["model_file"] = o.model;
    std::ofstream out(o.json_out);
    out << j.dump(1) << '\n';
    if (!out) throw std::runtime_error(fmt::format("cannot write '{}'", o.json_out));
  }
  return 0;
}

int run_report(const EvalOptions& o) {
  std::ifstream in(o.eval_json);
  if (!in) throw std::invalid_argument(fmt::format("cannot read '{}'", o.eval_json));
  nlohmann::json evaluation;
  try {
    evaluation = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(fmt::format("'{}' is not JSON", o.eval_json));
  }
  DatasetStore store(o.db, /*read_only=*/true);
  const auto summary = store.summary(choose_machine(store, o.machine));
  write_report(evaluation, summary, o.db, o.out_dir);
  fmt::print("report written to {}/index.html\n", o.out_dir);
  return 0;
}

}  // namespace

void add_eval_commands(CLI::App& app, Runner& run) {
  auto o = std::make_shared<EvalOptions>();
  auto* e = app.add_subcommand("eval", "Compare the GNN with baselines on held-out pipelines");
  e->add_option("--db", o->db, "SQLite dataset")->required();
  e->add_option("--model", o->model, "GNN model file (its split is the one evaluated)")->required();
  e->add_option("--baselines", o->baselines,
                "Comma-separated baselines (default: all): " + known_baselines());
  e->add_option("--split", o->split, "random or family:NAME (default: the model's; must match it)");
  e->add_option("--pipelines", o->pipelines,
                "Score only the test pipelines whose names match these comma-separated globs "
                "(fnmatch: *, ?, [0-9]), e.g. 'resnet*,random:[1-5][0-9][0-9]'");
  e->add_option("--json", o->json_out, "Write metrics and predictions as JSON");
  e->add_option("--machine", o->machine, "Timings of this machine");
  e->callback([&run, o] { run = [o] { return run_eval(*o); }; });

  auto* r = app.add_subcommand("report", "HTML page with plots from `gnnperf eval --json`");
  r->add_option("--eval", o->eval_json, "JSON written by gnnperf eval --json")->required();
  r->add_option("--db", o->db, "The SQLite dataset that was evaluated")->required();
  r->add_option("--out", o->out_dir, "Directory for index.html and its plots")->required();
  r->add_option("--machine", o->machine, "Timings of this machine");
  r->callback([&run, o] { run = [o] { return run_report(*o); }; });
}

}  // namespace gnnperf::cli
