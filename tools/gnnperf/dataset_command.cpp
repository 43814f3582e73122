#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "collect/output_checker.h"
#include "collect/value_filler.h"
#include "commands.h"
#include "dataset/sample_export.h"
#include "dataset/store.h"
#include "measure/output_check.h"
#include "util/progress.h"
#include "workloads/registry.h"

namespace gnnperf::cli {
namespace {

struct DatasetOptions {
  std::string db;
  std::string out;
  bool json = false;
  int64_t machine = 0;  // 0: all machines
  std::optional<int64_t> selected_machine() const {
    return machine > 0 ? std::optional<int64_t>(machine) : std::nullopt;
  }
};

int print_info(const DatasetOptions& o) {
  DatasetStore store(o.db, /*read_only=*/true);
  const DatasetSummary s = store.summary(o.selected_machine());
  const auto machines = store.machines();
  if (o.json) {
    nlohmann::json j = {{"samples", s.samples},
                        {"pipelines", s.pipelines},
                        {"schedules", s.schedules},
                        {"measurements", s.measurements},
                        {"failures", s.failures},
                        {"duplicate_tasks", s.duplicate_tasks},
                        {"repeat_pairs", s.repeat_pairs},
                        {"noise_median_ape", s.noise_median_ape},
                        {"noise_mean_ape", s.noise_mean_ape},
                        {"outputs_checked", s.outputs_checked},
                        {"outputs_wrong", s.outputs_wrong}};
    for (const auto& m : machines) {
      j["machines"].push_back({{"id", m.id},
                               {"cpu_model", m.info.cpu_model},
                               {"cores", m.info.cores},
                               {"halide_target", m.info.halide_target},
                               {"halide_version", m.info.halide_version}});
    }
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  fmt::print("dataset {}{}\n", o.db, o.machine ? fmt::format(" (machine {})", o.machine) : "");
  fmt::print("  samples       {} (first timings of a schedule)\n", s.samples);
  fmt::print("  schedules     {}\n", s.schedules);
  fmt::print("  pipelines     {}\n", s.pipelines);
  fmt::print("  measurements  {} (with repeats)\n", s.measurements);
  fmt::print("  failures      {}\n", s.failures);
  fmt::print("  duplicates    {} (tasks that found an already-timed schedule)\n",
             s.duplicate_tasks);
  fmt::print("  noise floor   {:.2f}% median, {:.2f}% mean absolute difference over {} repeats\n",
             100 * s.noise_median_ape, 100 * s.noise_mean_ape, s.repeat_pairs);
  fmt::print(
      "  outputs       {} schedules checked against the plain schedule, {} computed wrong values "
      "(left out of training and evaluation), {} unchecked\n",
      s.outputs_checked, s.outputs_wrong, s.schedules - s.outputs_checked);
  for (const auto& m : machines) {
    fmt::print("  machine {}     {}, {} cores, Halide {} {}\n", m.id, m.info.cpu_model,
               m.info.cores, m.info.halide_version, m.info.halide_target);
  }
  return 0;
}

int check_dataset(const CheckOptions& o) {
  const CheckReport r = check_outputs(o);
  fmt::print(
      "checked the outputs of {} of {} unchecked schedules in {}: {} computed wrong values "
      "(max relative difference to the plain schedule > {}); {} not reproduced by the "
      "autoscheduler, {} belong to pipelines gnnperf cannot rebuild, {} failed\n",
      r.checked, r.unchecked, format_duration(r.wall_s), r.wrong, kWrongOutputDifference,
      r.not_reproduced, r.not_rebuildable, r.failures.size());
  for (const auto& f : r.failures) fmt::print("  {}\n", f);
  if (r.interrupted) {
    fmt::print(stderr, "gnnperf: interrupted; every check so far is stored. Rerun to go on\n");
    return 130;
  }
  return 0;
}

int fill_values(const std::string& db, int64_t limit) {
  // Opening for writing would create a new, empty dataset.
  if (!std::filesystem::exists(db))
    throw DatasetError(fmt::format("database '{}' does not exist", db));
  DatasetStore store(db, /*read_only=*/false);
  const ValueFillReport r = fill_value_features(
      store,
      [](const std::string& name) -> std::optional<Workload> {
        try {
          return find_workload(name);
        } catch (const std::invalid_argument&) {
          return std::nullopt;  // imported from ONNX, or not a workload of this version
        }
      },
      limit);
  fmt::print(
      "measured the value features of {} of {} pipelines without them in {}; {} "
      "pipelines gnnperf cannot rebuild, {} failed\n",
      r.measured, r.missing, format_duration(r.wall_s), r.not_rebuildable, r.failures.size());
  for (const auto& f : r.failures) fmt::print("  {}\n", f);
  if (r.interrupted) {
    fmt::print(stderr, "gnnperf: interrupted; every pipeline so far is stored. Rerun to go on\n");
    return 130;
  }
  return r.failures.empty() ? 0 : 1;
}

int export_dataset(const DatasetOptions& o) {
  DatasetStore store(o.db, /*read_only=*/true);
  const int64_t n = export_samples(store, o.out, o.selected_machine());
  fmt::print("wrote {} .sample files to {} (list: {}/samples.txt)\n", n, o.out, o.out);
  return 0;
}

}  // namespace

void add_dataset_command(CLI::App& app, Runner& run) {
  auto* cmd = app.add_subcommand("dataset", "Inspect or export a dataset");
  cmd->require_subcommand(1);
  auto o = std::make_shared<DatasetOptions>();

  auto* info = cmd->add_subcommand("info", "Counts and noise floor");
  info->add_option("--db", o->db, "SQLite dataset")->required();
  info->add_flag("--json", o->json, "Print JSON (errors as fractions: 0.01 = 1%)");
  info->add_option("--machine", o->machine,
                   "Only this machine's timings (see the machine ids listed)");
  info->callback([&run, o] { run = [o] { return print_info(*o); }; });

  auto c = std::make_shared<CheckOptions>();
  auto* check = cmd->add_subcommand(
      "check", "Check that timed schedules compute what the plain schedule computes");
  check->add_option("--db", c->db_path, "SQLite dataset")->required();
  check->add_option("--jobs", c->jobs, "Schedules checked at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  check->add_option("--limit", c->limit, "Check at most this many schedules (0: all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  check->add_option("--timeout", c->timeout_s, "Seconds allowed per phase of one check")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  check->callback([&run, c] { run = [c] { return check_dataset(*c); }; });

  auto values_limit = std::make_shared<int64_t>(0);
  auto* values = cmd->add_subcommand(
      "values", "Measure the value features of pipelines stored without them (plain schedule)");
  values->add_option("--db", o->db, "SQLite dataset")->required();
  values->add_option("--limit", *values_limit, "Measure at most this many pipelines (0: all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  values->callback([&run, o, values_limit] {
    run = [o, values_limit] { return fill_values(o->db, *values_limit); };
  });

  auto* exp = cmd->add_subcommand("export", "Write Halide .sample files for retrain_cost_model");
  exp->add_option("--db", o->db, "SQLite dataset")->required();
  exp->add_option("--out", o->out, "Output directory")->required();
  exp->add_option("--machine", o->machine, "Only this machine's timings");
  exp->callback([&run, o] { run = [o] { return export_dataset(*o); }; });
}

}  // namespace gnnperf::cli
