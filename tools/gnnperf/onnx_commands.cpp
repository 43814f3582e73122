#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>

#include "commands.h"
#include "features/stage_graph.h"
#include "onnx/conformance.h"
#include "onnx/onnx_network.h"
#include "onnx/trial_run.h"
#include "util/progress.h"

namespace gnnperf::cli {
namespace {

struct ImportOptions {
  std::string onnx;
  std::string split = "layer";
  std::vector<std::string> input_shapes;
  bool list = false;
  bool run = false;
  bool check = false;
};

std::string dims_of(const OnnxNetwork& net, const std::vector<std::string>& tensors) {
  std::string text;
  for (const auto& t : tensors) {
    text += (text.empty() ? "" : " ") + dims_text(net.facts(t).dims);
  }
  return text;
}

// Runs the whole network once on random inputs with the plain schedule and prints each
// output's shape and range; fails if an output is not finite.
int run_whole(const OnnxNetwork& net) {
  const OnnxPipelinePlan plan = net.plan(OnnxSplit::kWhole).front();
  const auto outputs = run_on_random_inputs(net, plan, TrialSchedule::kPlain, 12345);
  bool finite = true;
  for (size_t k = 0; k < outputs.size(); ++k) {
    const auto values = outputs[k].to_double();
    double lo = INFINITY, hi = -INFINITY;
    size_t bad = 0;
    for (double v : values) {
      if (!std::isfinite(v)) ++bad;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    finite = finite && bad == 0;
    fmt::print("output {} {}: min {:.6g}, max {:.6g}, {} non-finite of {}\n", plan.outputs[k],
               dims_text(outputs[k].dims), lo, hi, bad, values.size());
  }
  if (!finite) {
    fmt::print(stderr, "gnnperf: error: the network produced non-finite outputs\n");
    return 1;
  }
  return 0;
}

// Runs every pipeline under the plain and the autoscheduled schedule on the same random
// inputs and reports where they disagree (a miscompiled schedule).
int check_schedules(const OnnxNetwork& net, const std::vector<OnnxPipelinePlan>& plans) {
  int mismatches = 0;
  for (const auto& p : plans) {
    const auto plain = run_on_random_inputs(net, p, TrialSchedule::kPlain, 7);
    const auto scheduled = run_on_random_inputs(net, p, TrialSchedule::kAutoscheduled, 7);
    const double diff = max_relative_difference(scheduled, plain);
    const bool ok = diff <= 1e-3;
    mismatches += !ok;
    fmt::print("check {}: autoscheduled vs plain max relative difference {:.3g}{}\n", p.name, diff,
               ok ? "" : "  MISMATCH");
  }
  if (mismatches > 0) {
    fmt::print(stderr,
               "gnnperf: error: {} of {} pipelines compute different values under their "
               "autoscheduled schedule\n",
               mismatches, plans.size());
    return 1;
  }
  return 0;
}

int import_network(const ImportOptions& o) {
  const OnnxSplit split = parse_onnx_split(o.split);
  const auto net = OnnxNetwork::import(o.onnx, parse_input_shapes(o.input_shapes));
  const auto plans = net->plan(split);
  // After the report: a trial run or check that fails still leaves the report printed.
  auto trials = [&] {
    if (o.run && run_whole(*net) != 0) return 1;
    return o.check ? check_schedules(*net, plans) : 0;
  };
  if (o.list) {
    for (const auto& p : plans) fmt::print("{}\n", p.name);
    return trials();
  }
  const auto& model = net->model();
  fmt::print("{}: opset {}, inputs {}, {} pipelines ({} split)\n", o.onnx, model.opset(),
             dims_of(*net, model.inputs()), plans.size(), o.split);
  size_t width = 8;
  for (const auto& p : plans) width = std::max(width, p.name.size());
  fmt::print("{:<{}} {:>6} {:>10}  {}\n", "pipeline", width, "stages", "MFLOP",
             "inputs -> outputs");
  double total = 0;
  for (const auto& p : plans) {
    const BuiltPipeline built = net->build(p);
    fmt::print("{:<{}} {:>6} {:>10.2f}  {} -> {}\n", p.name, width,
               build_stage_graph(built.output_funcs()).stages.size(), p.flops / 1e6,
               dims_of(*net, p.inputs), dims_of(*net, p.outputs));
    total += p.flops;
  }
  fmt::print("total {:.2f} MFLOP\n", total / 1e6);
  return trials();
}

int run_conformance(const ConformanceOptions& o) {
  const auto names = conformance_cases(o);
  if (names.empty()) throw std::invalid_argument("no ONNX node test matches '" + o.filter + "'");
  ProgressLine progress("conformance", static_cast<int64_t>(names.size()));
  std::vector<CaseResult> results(names.size());
  std::atomic<size_t> next{0};
  std::mutex mutex;
  int64_t done = 0, failures = 0;
  auto worker = [&] {
    for (size_t i = next++; i < names.size(); i = next++) {
      results[i] = run_conformance_case(o, names[i]);
      const std::lock_guard lock(mutex);
      failures += results[i].status == CaseStatus::kFailed;
      progress.update(++done, failures, names[i]);
    }
  };
  std::vector<std::thread> workers;
  for (int j = 0; j < std::max(1, o.jobs); ++j) workers.emplace_back(worker);
  for (auto& w : workers) w.join();
  progress.finish();
  std::map<CaseStatus, int64_t> count;
  for (const auto& r : results) ++count[r.status];
  for (const auto status :
       {CaseStatus::kUnsupported, CaseStatus::kKnownFailure, CaseStatus::kFailed}) {
    static const std::map<CaseStatus, const char*> labels = {
        {CaseStatus::kUnsupported, "unsupported"},
        {CaseStatus::kKnownFailure, "known failure"},
        {CaseStatus::kFailed, "FAILED"}};
    for (const auto& r : results) {
      if (r.status == status) fmt::print("{} {}: {}\n", labels.at(status), r.name, r.detail);
    }
  }
  fmt::print("{} schedule: {} passed, {} failed, {} known failures, {} unsupported of {} tests\n",
             o.autoschedule ? "autoscheduled" : "plain", count[CaseStatus::kPassed],
             count[CaseStatus::kFailed], count[CaseStatus::kKnownFailure],
             count[CaseStatus::kUnsupported], names.size());
  return count[CaseStatus::kFailed] == 0 ? 0 : 1;
}

}  // namespace

void add_onnx_commands(CLI::App& app, Runner& run) {
  auto io = std::make_shared<ImportOptions>();
  auto* imp = app.add_subcommand("import", "Import an ONNX model and report its pipelines");
  imp->add_option("--onnx", io->onnx, "ONNX model file")->required();
  imp->add_option("--split", io->split, "whole, layer or block")->capture_default_str();
  imp->add_option("--input-shape", io->input_shapes,
                  "Static shape for a dynamic graph input, NAME=1x3x224x224 (repeatable)");
  imp->add_flag("--list", io->list, "Print only the pipeline names");
  imp->add_flag("--run", io->run,
                "Also run the whole network once on random inputs and check its outputs");
  imp->add_flag("--check", io->check,
                "Run each pipeline under the plain and the autoscheduled schedule and compare");
  imp->callback([&run, io] { run = [io] { return import_network(*io); }; });

  auto co = std::make_shared<ConformanceOptions>();
  auto* conf = app.add_subcommand("conformance", "Check the importer on ONNX's node tests");
  conf->add_option("--filter", co->filter, "Glob over test names")->capture_default_str();
  conf->add_option("--data", co->data_dir, "Folder of node tests")->capture_default_str();
  conf->add_option("--jobs", co->jobs, "Tests run at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  conf->add_flag("--autoschedule", co->autoschedule,
                 "Schedule with Adams2019 (greedy) instead of the plain schedule");
  auto known = std::make_shared<std::string>();
  conf->add_option("--known-failures", *known,
                   "File of 'test_name reason' lines: failures explained outside gnnperf");
  conf->callback([&run, co, known] {
    run = [co, known] {
      if (!known->empty()) co->known_failures = read_known_failures(*known);
      return run_conformance(*co);
    };
  });
}

}  // namespace gnnperf::cli
