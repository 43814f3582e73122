#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <numeric>

#include "collect/task_plan.h"
#include "commands.h"
#include "dataset/store.h"
#include "eval/evaluate.h"
#include "graph/pipeline_graph.h"
#include "machine_choice.h"
#include "measure/host_target.h"
#include "models/gnn_cost_model.h"
#include "onnx/onnx_network.h"
#include "sampling/scheduled_pipeline.h"
#include "training/trainer.h"
#include "util/progress.h"

namespace gnnperf::cli {
namespace {

struct ModelOptions {
  std::string db, model, config, split = "random";
  int epochs = 0;  // 0: the config's
  uint64_t seed = 1;
  bool resume = false, json = false;
  int64_t pipeline = 0, machine = 0;
  std::string onnx, onnx_split = "layer";
  std::vector<std::string> input_shapes;
  int parallelism = 1;
};

// Stage shares of one prediction, largest first, as JSON, each with its work terms'
// shares of the stage's cost (`term_names`, one per term); `top` gets the first three
// stages as text, each with its largest term ("conv 61% (points 80%), relu 20% ..."), or
// without one when the readout has a single term, which then always holds 100%.
nlohmann::json stage_shares(const SchedulePrediction& p, const std::vector<std::string>& names,
                            const std::vector<std::string>& term_names, std::string& top) {
  std::vector<size_t> order(p.stage_cost_ms.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return p.stage_cost_ms[a] > p.stage_cost_ms[b]; });
  nlohmann::json shares = nlohmann::json::array();
  top.clear();
  for (size_t k : order) {
    const double share = p.stage_cost_ms[k] / p.runtime_ms;
    const std::vector<double>& terms = p.stage_term_shares.at(k);
    nlohmann::json term_json = nlohmann::json::object();
    for (size_t t = 0; t < terms.size(); ++t) term_json[term_names.at(t)] = terms[t];
    shares.push_back({{"stage", k}, {"name", names[k]}, {"share", share}, {"terms", term_json}});
    if (shares.size() <= 3) {
      top += fmt::format("{}{} {:.0f}%", top.empty() ? "" : ", ", names[k], 100 * share);
      if (terms.size() > 1) {
        const auto largest = std::max_element(terms.begin(), terms.end()) - terms.begin();
        top += fmt::format(" ({} {:.0f}%)", term_names.at(largest), 100 * terms[largest]);
      }
    }
  }
  return shares;
}

// Predicts each pipeline of an ONNX network under its default schedule (Adams2019,
// greedy, stock weights): how long the network's layers would run.
int predict_onnx(const ModelOptions& o) {
  const auto model = GnnCostModel::load(o.model);
  const auto term_names = model->term_names();
  const auto network = OnnxNetwork::import(o.onnx, parse_input_shapes(o.input_shapes));
  const auto workloads = onnx_workloads(network, parse_onnx_split(o.onnx_split));
  const Halide::Target target = host_target();
  const SamplingParams params{kDefaultBeam, 100, 0, o.parallelism, 0};
  nlohmann::json out = nlohmann::json::array();
  double total_ms = 0;
  for (const auto& w : workloads) {
    const ScheduledPipeline s = schedule_pipeline(w, target, params);
    const PipelineGraph g =
        unmeasured_graph(w.name, w.family, s.graph, s.features, s.schedule.schedule_source,
                         model->config().value_features ? measure_value_features(w, target).features
                                                        : std::vector<float>{});
    const SchedulePrediction p = model->predict(g, {0}).at(0);
    total_ms += p.runtime_ms;
    std::string top;
    const auto shares = stage_shares(p, g.stage_names, term_names, top);
    out.push_back({{"name", w.name},
                   {"stages", g.num_stages},
                   {"predicted_ms", p.runtime_ms},
                   {"stage_shares", shares}});
    if (!o.json) {
      fmt::print("{:<44} {:>4} stages  predicted {:>10.4f} ms  {}\n", w.name, g.num_stages,
                 p.runtime_ms, top);
    }
  }
  if (o.json) {
    fmt::print("{}\n", nlohmann::json{{"pipelines", out}, {"total_ms", total_ms}}.dump(2));
  } else {
    fmt::print("total predicted {:.4f} ms over {} pipelines ({} threads, default schedules)\n",
               total_ms, workloads.size(), o.parallelism);
  }
  return 0;
}

void print_metrics(const char* label, const Metrics& m) {
  fmt::print("{:<11} {:>9} {:>9} {:>7.1f}% {:>9.1f}% {:>9.3f} {:>9.3f}\n", label, m.pipelines,
             m.schedules, 100 * m.mape, 100 * m.median_ape, m.kendall_tau, m.top1_score);
}

int train(const ModelOptions& o) {
  DatasetStore store(o.db, /*read_only=*/true);
  const auto graphs = load_pipeline_graphs(store, choose_machine(store, o.machine));
  TrainOptions t;
  t.model_path = o.model;
  t.config = o.config.empty() ? GnnConfig{} : GnnConfig::from_file(o.config);
  if (o.epochs > 0) t.config.epochs = o.epochs;
  t.split = SplitRule::parse(o.split);
  t.seed = o.seed;
  t.resume = o.resume;
  t.dataset = o.db;
  // Pipelines trained on say so wherever their figures are printed.
  const std::string validation = t.config.train_on_validation ? "val (trained on)" : "val";
  t.on_epoch = [seconds = 0.0, epochs_here = 0, validation](const EpochReport& r) mutable {
    // Rate and ETA over the epochs of this process (a resumed run starts later); the ETA
    // assumes every epoch runs, early stopping may end sooner.
    seconds += r.seconds;
    ++epochs_here;
    const double eta = seconds / epochs_here * (r.epochs - r.epoch);
    fmt::print(
        stderr,
        "epoch {}/{} | lr {:.1e} | loss {:.4f} (log-sq {:.4f}, rank {:.4f}, APE {:.4f}) | {} loss "
        "{:.4f} MAPE {:.1f}% tau {:.3f} | {:.1f} s, {:.0f} epochs/h, ETA {}{}\n",
        r.epoch, r.epochs, r.learning_rate, r.loss, r.regression, r.ranking, r.ape, validation,
        r.validation_loss, 100 * r.validation.mape, r.validation.kendall_tau, r.seconds,
        3600 * epochs_here / std::max(seconds, 1e-9), format_duration(eta),
        r.improved ? " | best" : "");
  };
  const TrainResult r = train_gnn(graphs, t);
  fmt::print("model saved to {} (kept epoch {} of {}, {:.0f} s, seed {}, split {})\n", o.model,
             r.kept_epoch, r.epochs_run, r.seconds, o.seed, t.split.spec());
  fmt::print("{:<11} {:>9} {:>9} {:>8} {:>10} {:>9} {:>9}\n", "split", "pipelines", "schedules",
             "MAPE", "median APE", "tau", "top-1");
  print_metrics(t.config.train_on_validation ? "validation*" : "validation", r.validation);
  print_metrics("test", r.test);
  if (t.config.train_on_validation) fmt::print("* trained on (config train_on_validation)\n");
  // eval prints every test pipeline of the split; this count can be smaller.
  fmt::print("pipelines: those with two or more schedules, which tau and top-1 average over\n");
  return 0;
}

int predict(const ModelOptions& o) {
  if (!o.onnx.empty()) return predict_onnx(o);
  if (o.db.empty()) throw std::invalid_argument("predict needs --db or --onnx");
  const auto model = GnnCostModel::load(o.model);
  const auto term_names = model->term_names();
  const SplitRule rule = split_rule_of(model->record());
  DatasetStore store(o.db, /*read_only=*/true);
  auto graphs = load_pipeline_graphs(store, choose_machine(store, o.machine));
  if (o.pipeline > 0) {
    std::erase_if(graphs, [&](const PipelineGraph& g) { return g.id != o.pipeline; });
    if (graphs.empty())
      throw std::invalid_argument(
          fmt::format("no timed pipeline with id {} in '{}'", o.pipeline, o.db));
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& g : graphs) {
    const std::vector<int64_t> rows = g.all_rows();
    const auto predictions = model->predict(g, rows);
    const auto split = split_name(rule.of(g.name, g.family));
    if (!o.json)
      fmt::print("pipeline {} {} ({} stages, {} split)\n", g.id, g.name, g.num_stages, split);
    nlohmann::json schedules = nlohmann::json::array();
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& p = predictions[i];
      const double measured = g.runtimes_ms[static_cast<int64_t>(i)].item<double>();
      std::string top;
      const auto shares = stage_shares(p, g.stage_names, term_names, top);
      schedules.push_back({{"schedule_id", g.schedule_ids[i]},
                           {"predicted_ms", p.runtime_ms},
                           {"measured_ms", measured},
                           {"stage_shares", shares}});
      if (!o.json) {
        fmt::print(
            "  schedule {:>6}  predicted {:>10.4f} ms  measured {:>10.4f} ms  ({:+.1f}%)  {}\n",
            g.schedule_ids[i], p.runtime_ms, measured, 100 * (p.runtime_ms - measured) / measured,
            top);
      }
    }
    out.push_back(
        {{"pipeline_id", g.id}, {"name", g.name}, {"split", split}, {"schedules", schedules}});
  }
  if (o.json) fmt::print("{}\n", out.dump(2));
  return 0;
}

}  // namespace

void add_model_commands(CLI::App& app, Runner& run) {
  auto o = std::make_shared<ModelOptions>();
  auto* t = app.add_subcommand("train", "Train the GNN cost model on a dataset");
  t->add_option("--db", o->db, "SQLite dataset")->required();
  t->add_option("--out", o->model, "Model file to write")->required();
  t->add_option("--config", o->config, "Hyperparameters: a JSON file (keys in README)");
  t->add_option("--epochs", o->epochs, "Maximum epochs (overrides the config)")
      ->check(CLI::Range(1, 1000000));
  t->add_option("--seed", o->seed, "Seed of initialization and shuffling")->capture_default_str();
  t->add_option("--split", o->split, "Which pipelines are held out: random or family:NAME")
      ->capture_default_str();
  t->add_flag("--resume", o->resume, "Continue from the checkpoint OUT.ckpt of a killed run");
  t->add_option("--machine", o->machine, "Train on this machine's timings");
  t->callback([&run, o] { run = [o] { return train(*o); }; });

  auto* p = app.add_subcommand("predict", "Predict runtimes and per-stage cost shares");
  p->add_option("--model", o->model, "Model file")->required();
  p->add_option("--db", o->db, "SQLite dataset: predict its timed schedules");
  p->add_option("--onnx", o->onnx,
                "ONNX model: predict its pipelines under their default schedules instead");
  p->add_option("--onnx-split", o->onnx_split, "whole, layer or block")->capture_default_str();
  p->add_option("--input-shape", o->input_shapes,
                "Static shape for a dynamic ONNX input, NAME=1x3x224x224 (repeatable)");
  p->add_option("--parallelism", o->parallelism,
                "Threads of the predicted runs (with --onnx; as in the training data)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  p->add_option("--pipeline", o->pipeline, "Only this pipeline id");
  p->add_option("--machine", o->machine, "Measured runtimes of this machine");
  p->add_flag("--json", o->json, "Print JSON");
  p->callback([&run, o] { run = [o] { return predict(*o); }; });
}

}  // namespace gnnperf::cli
