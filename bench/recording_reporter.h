// A console reporter that also keeps each run's real and CPU time per iteration, in
// seconds, so that a benchmark can print its runs' times as ratios side by side.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace gnnperf {

class RecordingReporter : public benchmark::ConsoleReporter {
 public:
  struct RunTimes {
    std::string name;
    double real_seconds, cpu_seconds;  // per iteration
  };

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      // Aggregates of repetitions are not runs; a run that failed has no time.
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      const double unit = benchmark::GetTimeUnitMultiplier(r.time_unit);
      times_.push_back(
          {r.benchmark_name(), r.GetAdjustedRealTime() / unit, r.GetAdjustedCPUTime() / unit});
    }
  }

  // In the order the runs finished.
  const std::vector<RunTimes>& times() const { return times_; }

  // The first run of that name, or nullptr when it did not run (filtered out, failed).
  const RunTimes* find(std::string_view name) const {
    const auto it = std::find_if(times_.begin(), times_.end(),
                                 [&](const RunTimes& t) { return t.name == name; });
    return it == times_.end() ? nullptr : &*it;
  }

 private:
  std::vector<RunTimes> times_;
};

}  // namespace gnnperf
