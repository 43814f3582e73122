#include "collect/collector.h"

#include <fmt/format.h>

#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "collect/child_processes.h"
#include "collect/sample_process.h"
#include "collect/task_plan.h"
#include "collect/value_filler.h"
#include "dataset/store.h"
#include "measure/host_target.h"
#include "measure/machine.h"
#include "measure/output_check.h"
#include "onnx/onnx_network.h"
#include "util/progress.h"
#include "util/temporary_directory.h"
#include "workloads/registry.h"

namespace gnnperf {
namespace {

bool same_schedule(const SampleProcess& a, const SampleProcess& b) {
  return a.task().workload->name == b.task().workload->name &&
         a.prepared()->features.schedule == b.prepared()->features.schedule;
}

// Whether another unfinished task featurized the same schedule and goes first: it is
// past featurization, or featurized too but earlier in `running`.
bool twin_goes_first(const ProcessList& running, const SampleProcess& p) {
  bool earlier = true;
  for (const auto& q : running) {
    if (q.get() == &p) {
      earlier = false;
      continue;
    }
    if (!q->prepared() || q->phase() == SampleProcess::Phase::kFinished || !same_schedule(*q, p)) {
      continue;
    }
    if (earlier || q->phase() != SampleProcess::Phase::kFeaturized) return true;
  }
  return false;
}

// Decides what featurized tasks do next. Adams2019 often finds a schedule again (every
// 1x1 conv gave one schedule); a task whose schedule is already timed on this machine
// is stored as a duplicate task without compiling or timing it, and one whose twin is
// still in flight waits for the twin's outcome, so that the rows stored do not depend
// on which of the two got there first. Planned repeats exist to be timed again, and
// nothing compiles while a timing runs.
void settle_featurized(ProcessList& running, DatasetStore& store, int64_t machine_id,
                       int64_t run_id) {
  const bool timing = any_in(running, SampleProcess::Phase::kTiming);
  for (auto& p : running) {
    if (p->phase() != SampleProcess::Phase::kFeaturized) continue;
    const SampleTask& task = p->task();
    if (!task.is_repeat) {
      const PreparedSample& prepared = *p->prepared();
      if (auto schedule_id =
              store.timed_schedule(task.workload->name, prepared.features.schedule, machine_id)) {
        p->skip();
        if (p->skipped()) {
          store.record_duplicate_task({run_id, task.key, *schedule_id, prepared.autoschedule_s});
        }
        continue;
      }
      if (twin_goes_first(running, *p)) continue;
    }
    if (!timing) p->compile();
  }
}

// Timing must see an idle machine: a ready task is timed only once nothing else is
// being prepared, and nothing new starts while a task is ready or being timed.
void advance(ProcessList& running, std::deque<SampleTask>& pending, int jobs,
             const TaskSetup& setup) {
  const bool timing = any_in(running, SampleProcess::Phase::kTiming);
  const bool ready = any_in(running, SampleProcess::Phase::kReady);
  const bool preparing = any_in(running, SampleProcess::Phase::kPreparing) ||
                         any_in(running, SampleProcess::Phase::kCompiling);
  if (!timing && ready && !preparing) {
    for (auto& p : running) {
      if (p->phase() == SampleProcess::Phase::kReady) {
        p->start_timing();
        return;
      }
    }
  }
  if (timing || ready) return;
  while (static_cast<int>(running.size()) < jobs && !pending.empty()) {
    running.push_back(std::make_unique<SampleProcess>(pending.front(), setup));
    pending.pop_front();
  }
}

SampleRecord to_record(const SampleProcess& p, int64_t run_id) {
  const auto& prepared = *p.prepared();
  const auto& task = p.task();
  SampleRecord r;
  r.run_id = run_id;
  r.task_key = task.key;
  r.planned_repeat = task.is_repeat;
  r.pipeline_name = task.workload->name;
  r.family = task.workload->family;
  r.description = task.workload->description;
  r.graph = prepared.graph;
  r.features = prepared.features;
  r.schedule_source = prepared.schedule_source;
  r.params = task.params;
  r.is_default = task.is_default;
  r.autoscheduler_cost = prepared.autoscheduler_cost;
  r.autoschedule_s = prepared.autoschedule_s;
  r.compile_s = prepared.compile_s;
  r.timing = *p.timing();
  r.output_difference = p.output_difference();
  return r;
}

// Values do not depend on the schedule: they are measured once per pipeline, as soon as
// its first timing is stored, so that a collection stopped by Ctrl-C or a time limit
// leaves no timed pipeline without them. Nothing is being timed then (one timing runs
// at a time and this follows its end), and the run is in this process under the plain
// schedule, which the reference outputs ran already. Measured even after a Ctrl-C: it
// takes about a second.
void fill_new_pipeline_values(DatasetStore& store, const SampleTask& task,
                              const Halide::Target& target, std::set<std::string>& tried,
                              CollectReport& report) {
  const std::string& name = task.workload->name;
  if (!tried.insert(name).second) return;
  for (const auto& p : store.pipelines_without_value_features(name)) {
    if (auto failure = fill_value_features_of(store, p, *task.workload, target)) {
      report.value_failures.push_back(std::move(*failure));
    } else {
      ++report.values_measured;
    }
  }
}

std::vector<Workload> workloads_of(const CollectOptions& o) {
  std::vector<Workload> workloads;
  if (!o.workloads.empty()) workloads = resolve_workloads(o.workloads);
  for (const auto& file : o.onnx_files) {
    auto imported =
        onnx_workloads(OnnxNetwork::import(file, parse_input_shapes(o.onnx_input_shapes)),
                       parse_onnx_split(o.onnx_split));
    workloads.insert(workloads.end(), imported.begin(), imported.end());
  }
  if (workloads.empty())
    throw std::invalid_argument("nothing to collect: give --workloads or --onnx");
  return workloads;
}

}  // namespace

CollectReport collect(const CollectOptions& o) {
  const std::vector<Workload> workloads = workloads_of(o);
  DatasetStore store(o.db_path, /*read_only=*/false);
  const MachineInfo machine = describe_this_machine();
  const int64_t machine_id = store.machine_for_collection(machine, o.separate_machine);

  PlanRequest request{o.seed, o.schedules, o.parallelism, machine_id, o.default_beam};
  const std::vector<SampleTask> tasks = plan_tasks(workloads, request);
  const std::set<std::string> finished = store.finished_tasks();
  std::deque<SampleTask> pending, repeats;
  CollectReport report;
  report.planned = static_cast<int64_t>(tasks.size());
  for (const auto& t : tasks) {
    if (finished.count(t.key)) {
      ++report.already_done;
    } else {
      (t.is_repeat ? repeats : pending).push_back(t);
    }
  }
  const nlohmann::json parameters = {{"workloads", o.workloads},
                                     {"onnx", o.onnx_files},
                                     {"onnx_split", o.onnx_split},
                                     {"onnx_input_shapes", o.onnx_input_shapes},
                                     {"schedules", o.schedules},
                                     {"seed", o.seed},
                                     {"jobs", o.jobs},
                                     {"parallelism", o.parallelism},
                                     {"timeout_s", o.timeout_s},
                                     {"timing_window_s", o.timing_window_s},
                                     {"default_beam", o.default_beam}};
  // Pipelines of this command that an earlier run, killed between a timing and its value
  // features, left without them; before any timing, so as not to disturb one.
  const ValueFillReport leftovers = fill_value_features(
      store,
      [&workloads](const std::string& name) -> std::optional<Workload> {
        for (const auto& w : workloads) {
          if (w.name == name) return w;
        }
        return std::nullopt;  // stored by another collection: `dataset values` measures it
      },
      0);
  report.values_measured = leftovers.measured;
  report.value_failures = leftovers.failures;
  if (leftovers.interrupted) {
    report.interrupted = true;
    return report;
  }
  const int64_t run_id = store.begin_run(machine_id, o.command_line, parameters.dump());

  TemporaryDirectory references("gnnperf-references");
  TaskSetup setup;
  setup.target = host_target();
  setup.policy.min_window_ms = o.timing_window_s * 1000;
  setup.memory_limit_bytes = o.memory_limit_bytes;
  setup.reference_dir = references.path();
  InterruptGuard guard;
  ProgressLine progress("collect", report.planned, report.already_done);
  progress.update(report.already_done, 0, "starting");
  ProcessList running;
  std::set<std::string> values_tried;  // pipelines whose value features this run looked at
  while ((!pending.empty() || !repeats.empty() || !running.empty()) &&
         !InterruptGuard::interrupted()) {
    // Repeats re-time stored schedules later in the run, once all first timings are in;
    // a repeat of a task that failed has nothing to re-time.
    if (pending.empty() && running.empty()) {
      for (auto& r : repeats) {
        if (store.task_found_timed_schedule(r.repeat_of)) {
          pending.push_back(r);
        } else {
          ++report.skipped_repeats;
        }
      }
      repeats.clear();
    }
    advance(running, pending, o.jobs, setup);
    if (running.empty()) continue;
    wait_for_children(running, o.timeout_s);
    if (InterruptGuard::interrupted()) break;  // a child killed by the same Ctrl-C is no failure
    for (auto it = running.begin(); it != running.end();) {
      const SampleProcess& p = **it;
      if (p.phase() != SampleProcess::Phase::kFinished) {
        ++it;
        continue;
      }
      std::string last;
      if (p.skipped()) {
        ++report.duplicates;
        report.autoschedule_s += p.prepared()->autoschedule_s;
        last = fmt::format("{} duplicate", p.task().workload->name);
      } else if (p.failure()) {
        store.record_failure({run_id, p.task().key, p.task().workload->name, p.failure()->phase,
                              p.failure()->reason});
        ++report.failed;
        last = fmt::format("{} failed ({})", p.task().workload->name, p.failure()->phase);
      } else {
        const SampleRecord record = to_record(p, run_id);
        ++report.kinds[store.record_sample(record)];
        ++report.measured;
        fill_new_pipeline_values(store, p.task(), setup.target, values_tried, report);
        report.autoschedule_s += record.autoschedule_s;
        report.compile_s += record.compile_s;
        report.timing_s += record.timing.seconds;
        last = fmt::format("{} {:.3f} ms", record.pipeline_name, record.timing.min_ms);
        if (!record.output_difference) {
          ++report.unchecked_outputs;
        } else if (*record.output_difference > kWrongOutputDifference) {
          ++report.wrong_outputs;
          last += " (wrong outputs)";
        }
      }
      progress.update(report.already_done + report.measured + report.failed +
                          report.skipped_repeats + report.duplicates,
                      report.failed, last);
      it = running.erase(it);
    }
    // After the finished tasks are stored, so that a twin's timing is seen.
    settle_featurized(running, store, machine_id, run_id);
  }
  running.clear();  // kills any child still in flight
  progress.finish();
  report.interrupted = InterruptGuard::interrupted();
  report.wall_s = progress.elapsed_seconds();
  return report;
}

}  // namespace gnnperf
