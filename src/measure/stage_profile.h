// Where a compiled pipeline's time goes, by Func, from Halide's own sampling profiler:
// the measured counterpart of a cost model's per-stage shares.
#pragma once

#include <Halide.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gnnperf {

struct FuncTime {
  std::string name;  // a Func, or the runtime's halide_malloc and halide_free
  double ms = 0;     // sampled time, summed over the runs
};

struct ProfilerReport {
  std::vector<FuncTime> funcs;  // in the report's order
  int64_t samples = 0;
  int64_t runs = 0;
};

// Parses the text Halide 14's profiler prints for a pipeline ("total time: ... samples:
// ... runs: ...", then a line per Func). Throws std::runtime_error if there is none.
ProfilerReport parse_profiler_report(const std::string& text);

struct StageProfile {
  ProfilerReport report;  // summed over every run
  double ms_per_run = 0;  // wall-clock time of a run, profiling included
  // Each entry's share of the sampled time; all zero if no sample landed in a Func.
  std::vector<double> shares() const;
};

// Runs `pipeline` for about `seconds` and sums the profiler's reports. The pipeline must
// be compiled for a target with Target::Profile, and `outputs` prepared by prepare_run
// (measure/timing.h). The profiler samples every millisecond, so a pipeline of 10 us
// needs about 100 runs per sample: shares are the sum over all runs.
StageProfile profile_pipeline(Halide::Pipeline& pipeline, Halide::Realization& outputs,
                              double seconds);

}  // namespace gnnperf
