#include "collect/output_checker.h"

#include <fmt/format.h>

#include <deque>
#include <map>

#include "collect/child_processes.h"
#include "dataset/store.h"
#include "measure/host_target.h"
#include "measure/machine.h"
#include "measure/output_check.h"
#include "util/progress.h"
#include "util/temporary_directory.h"
#include "workloads/registry.h"

namespace gnnperf {
namespace {

struct CheckTask {
  SampleTask task;
  ReplayableSchedule schedule;
};

// Every unchecked schedule whose pipeline gnnperf can build again, as a task; the
// workloads are kept in `workloads`, which the tasks point into.
std::deque<CheckTask> plan_checks(std::vector<ReplayableSchedule> unchecked,
                                  std::map<std::string, Workload>& workloads, CheckReport& report) {
  std::deque<CheckTask> tasks;
  for (auto& u : unchecked) {
    auto it = workloads.find(u.pipeline_name);
    if (it == workloads.end()) {
      try {
        it = workloads.emplace(u.pipeline_name, find_workload(u.pipeline_name)).first;
      } catch (const std::invalid_argument&) {
        ++report.not_rebuildable;
        continue;
      }
    }
    SampleTask task;
    task.key = fmt::format("check:{}", u.schedule_id);
    task.workload = &it->second;
    task.params = u.params;
    task.is_default = u.is_default;
    tasks.push_back({std::move(task), std::move(u)});
  }
  return tasks;
}

}  // namespace

CheckReport check_outputs(const CheckOptions& o) {
  DatasetStore store(o.db_path, /*read_only=*/false);
  const int64_t machine_id = store.machine_for_collection(describe_this_machine(), false);
  CheckReport report;
  std::vector<ReplayableSchedule> unchecked = store.unchecked_schedules(machine_id);
  report.unchecked = static_cast<int64_t>(unchecked.size());
  if (o.limit > 0 && static_cast<int64_t>(unchecked.size()) > o.limit) unchecked.resize(o.limit);
  std::map<std::string, Workload> workloads;
  std::deque<CheckTask> pending = plan_checks(std::move(unchecked), workloads, report);

  TemporaryDirectory references("gnnperf-references");
  TaskSetup setup;
  setup.target = host_target();
  setup.memory_limit_bytes = o.memory_limit_bytes;
  setup.reference_dir = references.path();
  setup.check_only = true;
  InterruptGuard guard;
  ProgressLine progress("check", static_cast<int64_t>(pending.size()));
  progress.update(0, 0, "starting");
  std::vector<CheckTask> started;  // parallel to `running`
  ProcessList running;
  int64_t done = 0;
  while ((!pending.empty() || !running.empty()) && !InterruptGuard::interrupted()) {
    while (static_cast<int>(running.size()) < o.jobs && !pending.empty()) {
      running.push_back(std::make_unique<SampleProcess>(pending.front().task, setup));
      started.push_back(std::move(pending.front()));
      pending.pop_front();
    }
    wait_for_children(running, o.timeout_s);
    if (InterruptGuard::interrupted()) break;
    for (size_t i = 0; i < running.size();) {
      SampleProcess& p = *running[i];
      const ReplayableSchedule& u = started[i].schedule;
      if (p.phase() == SampleProcess::Phase::kFeaturized) {
        if (p.prepared()->features.schedule == u.schedule_features) {
          p.compile();
        } else {
          p.skip();
          ++report.not_reproduced;
        }
      } else if (p.phase() == SampleProcess::Phase::kReady) {
        p.start_timing();  // a check run: nothing is timed, so no need to run alone
      }
      if (p.phase() != SampleProcess::Phase::kFinished) {
        ++i;
        continue;
      }
      std::string last = u.pipeline_name;
      if (p.skipped()) {
        last += " not reproduced";
      } else if (p.failure()) {
        report.failures.push_back(fmt::format("schedule {} ({}): {}: {}", u.schedule_id,
                                              u.pipeline_name, p.failure()->phase,
                                              p.failure()->reason));
        last += " failed";
      } else if (p.output_difference()) {
        store.record_output_check(u.schedule_id, machine_id, *p.output_difference());
        ++report.checked;
        if (*p.output_difference() > kWrongOutputDifference) {
          ++report.wrong;
          last += " wrong outputs";
        }
      } else {
        report.failures.push_back(
            fmt::format("schedule {} ({}): the plain schedule's outputs "
                        "could not be computed",
                        u.schedule_id, u.pipeline_name));
      }
      progress.update(++done, static_cast<int64_t>(report.failures.size()), last);
      running.erase(running.begin() + static_cast<ptrdiff_t>(i));
      started.erase(started.begin() + static_cast<ptrdiff_t>(i));
    }
  }
  running.clear();
  progress.finish();
  report.interrupted = InterruptGuard::interrupted();
  report.wall_s = progress.elapsed_seconds();
  return report;
}

}  // namespace gnnperf
