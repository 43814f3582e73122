#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include "collect/collector.h"
#include "commands.h"
#include "dataset/store.h"
#include "util/progress.h"

namespace gnnperf::cli {
namespace {

int report_collection(const CollectOptions& o, const CollectReport& r) {
  std::string kinds;
  for (const auto& [kind, n] : r.kinds)
    kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", n, kind);
  fmt::print(
      "collected into {}: {} timed ({}), {} duplicates not timed again, {} failed, {} repeats "
      "skipped; {} tasks planned, {} already stored before this run\n",
      o.db_path, r.measured, kinds.empty() ? "none" : kinds, r.duplicates, r.failed,
      r.skipped_repeats, r.planned, r.already_done);
  auto per_hour = [&](int64_t n) {
    return r.wall_s > 0 ? static_cast<double>(n) * 3600.0 / r.wall_s : 0.0;
  };
  const auto samples = r.kinds.count("sample") ? r.kinds.at("sample") : int64_t{0};
  fmt::print(
      "throughput: {:.0f} new schedules/hour ({:.0f} timings/hour, {:.0f} tasks/hour) over {} "
      "wall; task time: autoschedule {:.1f} s, compile {:.1f} s, timing {:.1f} s ({} jobs)\n",
      per_hour(samples), per_hour(r.measured),
      per_hour(r.measured + r.duplicates + r.failed + r.skipped_repeats), format_duration(r.wall_s),
      r.autoschedule_s, r.compile_s, r.timing_s, o.jobs);
  fmt::print(
      "outputs: {} of the {} timed schedules computed values other than the plain schedule's "
      "(stored, left out of training){}\n",
      r.wrong_outputs, r.measured,
      r.unchecked_outputs ? fmt::format("; {} could not be checked", r.unchecked_outputs) : "");
  fmt::print("values: measured the value features of {} pipelines{}\n", r.values_measured,
             r.value_failures.empty() ? ""
                                      : fmt::format("; {} failed: {}", r.value_failures.size(),
                                                    fmt::join(r.value_failures, "; ")));
  DatasetStore store(o.db_path, /*read_only=*/true);
  const DatasetSummary s = store.summary(std::nullopt);
  fmt::print(
      "dataset: {} samples over {} pipelines, {} failures; noise floor {:.2f}% median, {:.2f}% "
      "mean APE over {} repeats\n",
      s.samples, s.pipelines, s.failures, 100 * s.noise_median_ape, 100 * s.noise_mean_ape,
      s.repeat_pairs);
  if (r.interrupted) {
    fmt::print(stderr,
               "gnnperf: interrupted; everything timed so far is stored. Rerun the same command to "
               "resume\n");
    return 130;
  }
  return 0;
}

}  // namespace

void add_collect_command(CLI::App& app, Runner& run, const std::string& command_line) {
  auto* cmd =
      app.add_subcommand("collect", "Autoschedule, compile and time schedules into a dataset");
  auto o = std::make_shared<CollectOptions>();
  o->command_line = command_line;
  const int cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  o->jobs = o->parallelism = cores;
  cmd->add_option("--db", o->db_path, "SQLite dataset (created if missing, resumed if present)")
      ->required();
  cmd->add_option(
      "--workloads", o->workloads,
      "Comma-separated names, globs (resnet50.*), random:N[:SEED] and random_large:N[:SEED]");
  cmd->add_option("--onnx", o->onnx_files, "ONNX model whose pipelines to collect (repeatable)");
  cmd->add_option("--onnx-split", o->onnx_split, "How ONNX models are cut: whole, layer, block")
      ->capture_default_str();
  cmd->add_option("--input-shape", o->onnx_input_shapes,
                  "Static shape for a dynamic ONNX input, NAME=1x3x224x224 (repeatable)");
  cmd->add_option("--schedules", o->schedules,
                  "Randomized schedules per pipeline (plus its default)")
      ->required()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--seed", o->seed, "Seed of the schedule sampling")->capture_default_str();
  cmd->add_option(
         "--default-beam", o->default_beam,
         "Beam of each pipeline's deterministic reference schedule (Halide's own default is 32)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--jobs", o->jobs, "Tasks autoscheduled and compiled at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--parallelism", o->parallelism,
                  "Cores given to the autoscheduler and threads used for timing")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--timeout", o->timeout_s, "Seconds allowed per phase of one task")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--timing-window", o->timing_window_s,
                  "Seconds each timing keeps sampling; its minimum is what is stored")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 60.0));
  cmd->add_flag(
      "--separate-machine", o->separate_machine,
      "Allow timing on a machine other than the one the DB was collected on, as a separate run");
  cmd->callback([&run, o] { run = [o] { return report_collection(*o, collect(*o)); }; });
}

}  // namespace gnnperf::cli
